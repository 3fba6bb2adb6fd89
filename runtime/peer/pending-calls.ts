import { AbortedError, TimeoutError } from "../errors.js";
import { type Deadline, DeadlineLines } from "./deadline-lines.js";
import { LazyMap } from "./lazy-map.js";

interface PendingCall {
  readonly method: string;
  /** The routing id the WORK went to: only that peer may answer. */
  readonly peer: Buffer;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timeoutMs: number;
  readonly deadline: Deadline<string>;
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
 * `take` is the only way out of the table, so only the first of a reply, a
 * timeout, an abort or `rejectAll` settles a call.
 */
export class PendingCalls {
  private readonly calls = new LazyMap<string, PendingCall>();
  private readonly deadlines = new DeadlineLines<string>((id) => {
    const call = this.calls.get(id);
    if (call !== undefined) this.reject(id, new TimeoutError(call.method, call.timeoutMs));
  });

  /** How many calls await their reply. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * Registers a call and returns its promise. The call fails with
   * {@link TimeoutError} after `timeoutMs`, or with {@link AbortedError} when
   * `signal` fires.
   */
  add(id: string, peer: Buffer, method: string, timeoutMs: number, frames: readonly Buffer[], signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new AbortedError(method, signal.reason));
      const onAbort = signal && (() => this.reject(id, new AbortedError(method, signal.reason)));
      signal?.addEventListener("abort", onAbort as () => void, { once: true });
      const deadline = this.deadlines.set(id, timeoutMs);
      this.calls.set(id, { method, peer, resolve, reject, timeoutMs, deadline, signal, onAbort, frames });
    });
  }

  /** Settles the call `id` with a reply that came from `peer`; a reply from any other peer is refused. */
  settle(id: string, peer: Buffer, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): SettleOutcome {
    const call = this.calls.get(id);
    if (call === undefined) return "unknown";
    if (!call.peer.equals(peer)) return "wrong-peer";
    this.remove(id, call);
    if (outcome.ok) call.resolve(outcome.value);
    else call.reject(outcome.error);
    return "settled";
  }

  /** Fails one call; false when it had already settled. */
  reject(id: string, error: Error): boolean {
    const call = this.take(id);
    call?.reject(error);
    return call !== undefined;
  }

  /** The WORK frames of a pending call, to send again. */
  framesOf(id: string): readonly Buffer[] | undefined {
    return this.calls.get(id)?.frames;
  }

  /** The method a pending call invoked, for log lines. */
  methodOf(id: string): string | undefined {
    return this.calls.get(id)?.method;
  }

  /** Fails every pending call (on close), or those sent to one peer (when it is lost). */
  rejectAll(makeError: () => Error, peer?: Buffer): void {
    for (const [id, call] of this.calls) {
      if (peer === undefined || call.peer.equals(peer)) this.reject(id, makeError());
    }
  }

  private take(id: string): PendingCall | undefined {
    const call = this.calls.get(id);
    if (call !== undefined) this.remove(id, call);
    return call;
  }

  private remove(id: string, call: PendingCall): void {
    this.calls.delete(id);
    this.deadlines.cancel(call.deadline);
    if (call.onAbort) call.signal?.removeEventListener("abort", call.onAbort);
  }
}
