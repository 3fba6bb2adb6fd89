import { AbortedError, TimeoutError } from "../errors.js";
import { newMessageId } from "../protocol/message-id.js";
import { sameBytes } from "../protocol/same-bytes.js";
import { type Deadline, DeadlineLines } from "./deadline-lines.js";

interface PendingCall {
  /** The WORK's message id, which its reply carries. */
  readonly id: Buffer;
  readonly method: string;
  /** The routing id the WORK went to: only that peer may answer. */
  readonly peer: Buffer;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timeoutMs: number;
  readonly deadline: Deadline<Buffer>;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
  /** The WORK as sent, so that it can be sent again unchanged after authentication. */
  readonly frames: readonly Buffer[];
}

/** What {@link PendingCalls.settle} did with a reply. */
export type SettleOutcome = "settled" | "unknown" | "wrong-peer";

/**
 * The table of outgoing calls: message id → the caller's promise and its
 * deadline (one timer per timeout length, not per call: see DeadlineLines).
 * `remove` is the only way out of the table, so only the first of a reply, a
 * timeout, an abort or `rejectAll` settles a call.
 *
 * A call lives in a slot of an array, and its message id names the slot in
 * its first four bytes (the other twelve stay random, a uuid4's version and
 * variant bits set): a reply finds its call by index and is matched on its
 * whole id, with no string made and no hash table touched per call. Freed
 * slots are used again, so the array reaches the most calls ever pending at
 * once (at most `limits.maxPendingCalls`, the reserved ones counted) and
 * allocates nothing after: a
 * table that grew and was swept per thousand calls reallocated itself in
 * V8's old generation, where each allocation may start a full collection
 * (see the README's benchmarks, 64 KiB).
 */
export class PendingCalls {
  /** A call, or null: reserved by newId() for the call about to be added; undefined: free. */
  private readonly slots: (PendingCall | null | undefined)[] = [];
  /** Free slots, the last freed on top. */
  private readonly free: number[] = [];
  /** Slots in use: calls pending, and reserved ones (a call made while another's WORK is encoded counts that one). */
  private live = 0;
  private readonly deadlines = new DeadlineLines<Buffer>((id) => {
    const call = this.find(id);
    if (call !== undefined) this.reject(id, new TimeoutError(call.method, call.timeoutMs));
  });

  /** How many calls await their reply (with any whose WORK is being encoded). */
  get size(): number {
    return this.live;
  }

  /**
   * A message id (a uuid4) for a call, naming the slot it reserves: the call
   * is then {@link add}ed, or the slot given back with {@link release}.
   */
  newId(): Buffer {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = null;
    this.live++;
    const id = newMessageId();
    id.writeUInt32BE(slot, 0);
    return id;
  }

  /** Gives back the slot of an id from {@link newId} whose call will not be added (its WORK could not be encoded). */
  release(id: Buffer): void {
    const slot = id.readUInt32BE(0);
    if (this.slots[slot] !== null) return;
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.live--;
  }

  /**
   * Registers a call under an id from {@link newId} and returns its promise.
   * The call fails with {@link TimeoutError} after `timeoutMs`, or with
   * {@link AbortedError} when `signal` fires (at once if it already has).
   */
  add(id: Buffer, peer: Buffer, method: string, timeoutMs: number, frames: readonly Buffer[], signal?: AbortSignal): Promise<unknown> {
    const slot = id.readUInt32BE(0);
    if (this.slots[slot] !== null) throw new Error(`message id ${id.toString("hex")} does not come from newId()`);
    return new Promise((resolve, reject) => {
      try {
        if (signal?.aborted) {
          this.release(id);
          return reject(new AbortedError(method, signal.reason));
        }
        const onAbort = signal && (() => this.reject(id, new AbortedError(method, signal.reason)));
        signal?.addEventListener("abort", onAbort as () => void, { once: true });
        const deadline = this.deadlines.set(id, timeoutMs);
        this.slots[slot] = { id, method, peer, resolve, reject, timeoutMs, deadline, signal, onAbort, frames };
      } catch (error) {
        // Not an AbortSignal (one whose `aborted` throws, say), from a caller without types: the call fails, and its
        // slot is not lost.
        this.release(id);
        throw error;
      }
    });
  }

  /** Settles the call `id` with a reply that came from `peer`; a reply from any other peer is refused. */
  settle(id: Buffer, peer: Buffer, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): SettleOutcome {
    const call = this.find(id);
    if (call === undefined) return "unknown";
    if (!sameBytes(call.peer, peer)) return "wrong-peer";
    this.remove(call);
    if (outcome.ok) call.resolve(outcome.value);
    else call.reject(outcome.error);
    return "settled";
  }

  /** Fails one call; false when it had already settled. */
  reject(id: Buffer, error: Error): boolean {
    const call = this.find(id);
    if (call === undefined) return false;
    this.remove(call);
    call.reject(error);
    return true;
  }

  /** The WORK frames of a pending call, to send again. */
  framesOf(id: Buffer): readonly Buffer[] | undefined {
    return this.find(id)?.frames;
  }

  /** The method a pending call invoked, for log lines. */
  methodOf(id: Buffer): string | undefined {
    return this.find(id)?.method;
  }

  /** Fails every pending call (on close), or those sent to one peer (when it is lost). */
  rejectAll(makeError: () => Error, peer?: Buffer): void {
    for (const call of this.slots) {
      if (call && (peer === undefined || sameBytes(call.peer, peer))) this.reject(call.id, makeError());
    }
  }

  /** The call `id` names, if it is pending: its slot's call, with the whole id the same. */
  private find(id: Buffer): PendingCall | undefined {
    if (id.length < 4) return undefined;
    const call = this.slots[id.readUInt32BE(0)];
    return call && sameBytes(call.id, id) ? call : undefined;
  }

  private remove(call: PendingCall): void {
    const slot = call.id.readUInt32BE(0);
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.live--;
    this.deadlines.cancel(call.deadline);
    if (call.onAbort) call.signal?.removeEventListener("abort", call.onAbort);
  }
}
