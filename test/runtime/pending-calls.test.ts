import { AbortedError, ClosedError, TimeoutError } from "pseud";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeadlineLines } from "../../runtime/peer/deadline-lines.js";
import { PendingCalls } from "../../runtime/peer/pending-calls.js";

afterEach(() => {
  vi.useRealTimers();
});

const PEER = Buffer.from("peer");

/** The table of outgoing calls, on a fake clock: no test here waits for real time. */
describe("PendingCalls", () => {
  /** Adds a call the way a peer does: an id from newId(), then add(). */
  const call = (calls: PendingCalls, peer = PEER, signal?: AbortSignal) => {
    const id = calls.newId();
    const result = calls.add(id, peer, "m", 1_000, [], signal);
    result.catch(() => {}); // handled: a test that cares awaits it
    return { id, result };
  };

  it("settles a call with its reply, once: a later reply, timeout or rejectAll finds nothing", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const { id, result } = call(calls);
    expect(calls.settle(id, Buffer.from("peer"), { ok: true, value: 42 })).toBe("settled");
    expect(calls.settle(id, Buffer.from("peer"), { ok: true, value: 43 })).toBe("unknown");
    vi.advanceTimersByTime(5_000);
    calls.rejectAll(() => new ClosedError("closed"));
    await expect(result).resolves.toBe(42);
    expect(calls.size).toBe(0);
  });

  it("refuses a reply from another peer than the call went to, and keeps the call", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const { id, result } = call(calls);
    expect(calls.settle(id, Buffer.from("intruder"), { ok: true, value: "forged" })).toBe("wrong-peer");
    expect(calls.settle(id, Buffer.from("peer"), { ok: true, value: "real" })).toBe("settled");
    await expect(result).resolves.toBe("real");
  });

  it("matches a reply on its whole id: another id naming the same slot, or a slot never used, is no call", async () => {
    const calls = new PendingCalls();
    const { id, result } = call(calls);
    const twin = Buffer.from(id);
    twin[15] = (twin[15] as number) ^ 0xff; // the same slot, another id: a late reply to the slot's previous call
    expect(calls.settle(twin, Buffer.from("peer"), { ok: true, value: "stale" })).toBe("unknown");
    expect(calls.reject(twin, new ClosedError("no"))).toBe(false);
    const far = Buffer.alloc(16, 0xff); // slot 4,294,967,295
    expect(calls.settle(far, Buffer.from("peer"), { ok: true, value: "forged" })).toBe("unknown");
    expect(calls.settle(Buffer.alloc(2), PEER, { ok: true, value: "short" })).toBe("unknown");
    expect(calls.settle(id, Buffer.from("peer"), { ok: true, value: "real" })).toBe("settled");
    await expect(result).resolves.toBe("real");
  });

  it("uses freed slots again: the table never holds more slots than calls were pending at once", async () => {
    const calls = new PendingCalls();
    const slotOf = (id: Buffer) => id.readUInt32BE(0);
    const first = call(calls);
    const second = call(calls);
    expect([slotOf(first.id), slotOf(second.id)]).toEqual([0, 1]);
    calls.settle(first.id, Buffer.from("peer"), { ok: true, value: 1 });
    const third = call(calls);
    expect(slotOf(third.id)).toBe(0); // the freed slot, under a new id
    expect(third.id.equals(first.id)).toBe(false);
    expect(calls.settle(first.id, Buffer.from("peer"), { ok: true, value: "late" })).toBe("unknown");
    const unsent = calls.newId(); // reserved, then given back: its WORK could not be encoded
    expect(slotOf(unsent)).toBe(2);
    calls.release(unsent);
    expect(slotOf(call(calls).id)).toBe(2);
    calls.rejectAll(() => new ClosedError("done"));
    await expect(third.result).rejects.toThrow("done");
  });

  it("counts a reserved slot as pending, and gives it back when the call cannot be added", async () => {
    const calls = new PendingCalls();
    const outer = calls.newId(); // a WORK being encoded; a getter of its arguments makes another call
    expect(calls.size).toBe(1);
    const inner = call(calls);
    expect(calls.size).toBe(2);
    const notASignal = { aborted: false } as unknown as AbortSignal; // from a caller without types
    await expect(calls.add(outer, PEER, "m", 1_000, [], notASignal)).rejects.toThrow(TypeError);
    expect(calls.size).toBe(1);
    const again = calls.newId();
    expect(again.readUInt32BE(0)).toBe(outer.readUInt32BE(0)); // the slot came back
    const throwing = { get aborted(): boolean { throw new Error("boom"); } } as unknown as AbortSignal;
    await expect(calls.add(again, PEER, "m", 1_000, [], throwing)).rejects.toThrow("boom");
    expect(calls.size).toBe(1); // only `inner`
    calls.rejectAll(() => new ClosedError("done"));
    await expect(inner.result).rejects.toThrow("done");
  });

  it("gives uuid4 ids: random but for the slot, version and variant set", () => {
    const calls = new PendingCalls();
    const a = calls.newId();
    calls.release(a);
    const b = calls.newId();
    for (const id of [a, b]) {
      expect(id).toHaveLength(16);
      expect((id[6] as number) >> 4).toBe(4);
      expect((id[8] as number) >> 6).toBe(2);
    }
    expect(a.subarray(4).equals(b.subarray(4))).toBe(false);
  });

  it("fails a call with TimeoutError exactly at its timeout, and not before", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls();
    const { id, result } = call(calls);
    const settled = vi.fn();
    result.catch(settled);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(calls.settle(id, Buffer.from("peer"), { ok: true, value: "late" })).toBe("unknown");
  });

  it("fails a call with AbortedError when its signal fires, already aborted or later", async () => {
    const calls = new PendingCalls();
    await expect(call(calls, PEER, AbortSignal.abort("why")).result).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const { result } = call(calls, PEER, controller.signal);
    controller.abort("stop");
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(calls.size).toBe(0);
    expect(call(calls).id.readUInt32BE(0)).toBe(0); // the aborted calls gave their slots back
  });

  it("rejectAll fails one peer's calls or all of them", async () => {
    const calls = new PendingCalls();
    const a = call(calls, Buffer.from("a")).result;
    const b = call(calls, Buffer.from("b")).result;
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
