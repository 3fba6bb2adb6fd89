import { AbortedError, ClosedError, TimeoutError } from "pseud";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PendingCalls } from "../../runtime/peer/pending-calls.js";

afterEach(() => {
  vi.useRealTimers();
});

/** The table of outgoing calls, on a fake clock: no test here waits for real time. */
describe("PendingCalls", () => {
  it("settles a call with its reply, once: a later reply, timeout or rejectAll finds nothing", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", "peer", "m", 1_000, []);
    expect(calls.settle("1", "peer", { ok: true, value: 42 })).toBe("settled");
    expect(calls.settle("1", "peer", { ok: true, value: 43 })).toBe("unknown");
    vi.advanceTimersByTime(5_000);
    calls.rejectAll(() => new ClosedError("closed"));
    await expect(result).resolves.toBe(42);
    expect(calls.size).toBe(0);
  });

  it("refuses a reply from another peer than the call went to, and keeps the call", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", "peer", "m", 1_000, []);
    expect(calls.settle("1", "intruder", { ok: true, value: "forged" })).not.toBe("settled");
    expect(calls.settle("1", "peer", { ok: true, value: "real" })).toBe("settled");
    await expect(result).resolves.toBe("real");
  });

  it("fails a call with TimeoutError exactly at its timeout, and not before", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const result = calls.add("1", "peer", "m", 1_000, []);
    const settled = vi.fn();
    result.catch(settled);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(calls.settle("1", "peer", { ok: true, value: "late" })).toBe("unknown");
  });

  it("fails a call with AbortedError when its signal fires, already aborted or later", async () => {
    const calls = new PendingCalls();
    await expect(calls.add("1", "peer", "m", 1_000, [], AbortSignal.abort("why"))).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const result = calls.add("2", "peer", "m", 1_000, [], controller.signal);
    controller.abort("stop");
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(calls.size).toBe(0);
  });

  it("rejectAll fails one peer's calls or all of them", async () => {
    const calls = new PendingCalls();
    const a = calls.add("1", "a", "m", 1_000, []);
    const b = calls.add("2", "b", "m", 1_000, []);
    calls.rejectAll(() => new ClosedError("a went"), "a");
    await expect(a).rejects.toThrow("a went");
    expect(calls.size).toBe(1);
    calls.rejectAll(() => new ClosedError("all"));
    await expect(b).rejects.toThrow("all");
  });
});
