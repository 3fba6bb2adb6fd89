import type { Limits } from "../limits.js";
import { LazyMap } from "./lazy-map.js";

interface Load {
  calls: number;
  bytes: number;
}

/** The outcome of {@link InFlight.admit}: a release to call once the call's reply has left, or the limit it would break. */
export type Admission = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly limit: keyof Limits; readonly message: string };

/**
 * The calls this peer is serving, per connection and in total, by number and
 * by bytes of WORK. A call is in flight from its arrival until its reply has
 * been taken by ZeroMQ or given up, so a peer that stops reading keeps its
 * replies counted against its own limit. A byte limit never refuses a call
 * when nothing is in flight: any message within `maxMessageSize` can be served.
 */
export class InFlight {
  private readonly total: Load = { calls: 0, bytes: 0 };
  private readonly byConnection = new LazyMap<number, Load>();

  constructor(private readonly limits: Limits) {}

  /** Calls in flight now, from every connection. */
  get calls(): number {
    return this.total.calls;
  }

  /** Bytes of WORK in flight now, from every connection. */
  get bytes(): number {
    return this.total.bytes;
  }

  /** Counts a call of `bytes` from `connection` (its serial), or refuses it. */
  admit(connection: number, bytes: number): Admission {
    const load = this.byConnection.get(connection) ?? { calls: 0, bytes: 0 };
    const { maxCallsInFlightPerPeer, maxBytesInFlightPerPeer, maxCallsInFlight, maxBytesInFlight } = this.limits;
    if (load.calls >= maxCallsInFlightPerPeer) return refuse("maxCallsInFlightPerPeer", `${load.calls} calls from this connection are in flight`);
    if (load.calls > 0 && load.bytes + bytes > maxBytesInFlightPerPeer)
      return refuse("maxBytesInFlightPerPeer", `${load.bytes} bytes of calls from this connection are in flight`);
    if (this.total.calls >= maxCallsInFlight) return refuse("maxCallsInFlight", `${this.total.calls} calls are in flight`);
    if (this.total.calls > 0 && this.total.bytes + bytes > maxBytesInFlight) return refuse("maxBytesInFlight", `${this.total.bytes} bytes of calls are in flight`);
    this.byConnection.set(connection, load);
    add(load, 1, bytes);
    add(this.total, 1, bytes);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      add(load, -1, -bytes);
      add(this.total, -1, -bytes);
      if (load.calls === 0) this.byConnection.delete(connection);
    };
    return { ok: true, release };
  }
}

function add(load: Load, calls: number, bytes: number): void {
  load.calls += calls;
  load.bytes += bytes;
}

function refuse(limit: keyof Limits, why: string): Admission {
  return { ok: false, limit, message: `the peer is overloaded: ${why} (limits.${limit}); the call was not run, retry later` };
}
