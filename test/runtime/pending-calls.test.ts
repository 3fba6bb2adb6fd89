import { AbortedError, ClosedError, TimeoutError } from "pseud";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeadlineLines } from "../../runtime/peer/deadline-lines.js";
import { PendingCalls } from "../../runtime/peer/pending-calls.js";

afterEach(() => {
  vi.useRealTimers();
});

/** The table of outgoing calls, on a fake clock: no test here waits for real time. */
describe("PendingCalls", () => {
  it("settles a call with its reply, once: a later reply, timeout or rejectAll finds nothing", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", Buffer.from("peer"), "m", 1_000, []);
    expect(calls.settle("1", Buffer.from("peer"), { ok: true, value: 42 })).toBe("settled");
    expect(calls.settle("1", Buffer.from("peer"), { ok: true, value: 43 })).toBe("unknown");
    vi.advanceTimersByTime(5_000);
    calls.rejectAll(() => new ClosedError("closed"));
    await expect(result).resolves.toBe(42);
    expect(calls.size).toBe(0);
  });

  it("refuses a reply from another peer than the call went to, and keeps the call", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", Buffer.from("peer"), "m", 1_000, []);
    expect(calls.settle("1", Buffer.from("intruder"), { ok: true, value: "forged" })).not.toBe("settled");
    expect(calls.settle("1", Buffer.from("peer"), { ok: true, value: "real" })).toBe("settled");
    await expect(result).resolves.toBe("real");
  });

  it("fails a call with TimeoutError exactly at its timeout, and not before", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", Buffer.from("peer"), "m", 1_000, []);
    const settled = vi.fn();
    result.catch(settled);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(calls.settle("1", Buffer.from("peer"), { ok: true, value: "late" })).toBe("unknown");
  });

  it("fails a call with AbortedError when its signal fires, already aborted or later", async () => {
    const calls = new PendingCalls();
    await expect(calls.add("1", Buffer.from("peer"), "m", 1_000, [], AbortSignal.abort("why"))).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const result = calls.add("2", Buffer.from("peer"), "m", 1_000, [], controller.signal);
    controller.abort("stop");
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(calls.size).toBe(0);
  });

  it("rejectAll fails one peer's calls or all of them", async () => {
    const calls = new PendingCalls();
    const a = calls.add("1", Buffer.from("a"), "m", 1_000, []);
    const b = calls.add("2", Buffer.from("b"), "m", 1_000, []);
    calls.rejectAll(() => new ClosedError("a went"), Buffer.from("a"));
    await expect(a).rejects.toThrow("a went");
    expect(calls.size).toBe(1);
    calls.rejectAll(() => new ClosedError("all"));
    await expect(b).rejects.toThrow("all");
  });
});

describe("DeadlineLines: one timer per timeout length, not per call", () => {
  it("runs each deadline exactly when due, in order, skipping the cancelled; one timer per line", () => {
    vi.useFakeTimers();
    const due: string[] = [];
    const lines = new DeadlineLines<string>((key) => due.push(key));
    lines.set("a", 1_000);
    vi.advanceTimersByTime(10);
    const b = lines.set("b", 1_000);
    lines.set("c", 1_000);
    const x = lines.set("x", 50);
    expect(vi.getTimerCount()).toBe(2); // the 1,000 ms line and the 50 ms line
    lines.cancel(b);
    lines.cancel(b); // a second cancel changes nothing
    vi.advanceTimersByTime(50);
    expect(due).toEqual(["x"]);
    lines.cancel(x); // already due: changes nothing
    vi.advanceTimersByTime(939);
    expect(due).toEqual(["x"]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(["x", "a"]);
    vi.advanceTimersByTime(10);
    expect(due).toEqual(["x", "a", "c"]);
    expect(vi.getTimerCount()).toBe(0); // a line with nothing left holds no timer
  });

  it("one call at a time makes one timer, not one per call: a line left empty keeps it until it fires, then drops it", () => {
    vi.useFakeTimers();
    const due: number[] = [];
    const lines = new DeadlineLines<number>((key) => due.push(key));
    for (let i = 0; i < 1_000; i++) {
      const deadline = lines.set(i, 5_000);
      vi.advanceTimersByTime(1);
      lines.cancel(deadline);
    }
    expect(vi.getTimerCount()).toBe(1); // armed by the first call, for its deadline
    const line = (lines as unknown as { lines: Map<number, { entries: unknown[]; head: number }> }).lines.get(5_000);
    expect((line?.entries.length ?? 0) - (line?.head ?? 0)).toBeLessThanOrEqual(64);
    vi.advanceTimersByTime(5_000);
    expect(due).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect((lines as unknown as { lines: Map<number, unknown> }).lines.size).toBe(0);
  });

  it("keeps one timer per line when a deadline's callback sets another of the same length", () => {
    vi.useFakeTimers();
    const due: number[] = [];
    const lines: DeadlineLines<number> = new DeadlineLines<number>((key) => {
      due.push(key);
      if (key < 3) lines.set(key + 1, 100); // a retry with the same timeout
    });
    lines.set(0, 100);
    for (let i = 1; i <= 4; i++) {
      vi.advanceTimersByTime(100);
      expect(vi.getTimerCount()).toBe(i < 4 ? 1 : 0);
    }
    expect(due).toEqual([0, 1, 2, 3]);
  });

  it("holds no more than about twice the live deadlines, however many were set and cancelled", () => {
    vi.useFakeTimers();
    const lines = new DeadlineLines<number>(() => {});
    for (let i = 0; i < 100_000; i++) {
      const deadline = lines.set(i, 5_000);
      if (i % 10 !== 0) lines.cancel(deadline); // nine in ten settle before their deadline
    }
    const line = (lines as unknown as { lines: Map<number, { entries: unknown[]; head: number; live: number }> }).lines.get(5_000);
    expect(line?.live).toBe(10_000);
    expect((line?.entries.length ?? 0) - (line?.head ?? 0)).toBeLessThanOrEqual(2 * 10_000 + 64);
  });
});
