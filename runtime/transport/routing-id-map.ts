import { sameBytes } from "../protocol/same-bytes.js";

/**
 * What a peer keeps per connection (the connection table, the heartbeat
 * plugin's watch list), found by routing id. Every message looks its sender
 * up, and messages mostly come in runs from one peer (a busy client, a
 * burst): the value found last is compared first, by its own routing id's
 * bytes (about 20 ns), where a miss makes the routing id text and hashes it
 * (about 160). A value deleted or replaced is forgotten there too.
 */
export class RoutingIdMap<V> {
  private readonly entries = new Map<string, V>();
  /** The value found last; undefined once it is deleted or replaced. */
  private last: V | undefined;

  /** `idOf`: a value's routing id, a copy of its own that nothing changes. */
  constructor(private readonly idOf: (value: V) => Buffer) {}

  get size(): number {
    return this.entries.size;
  }

  get(routingId: Buffer): V | undefined {
    const last = this.last;
    if (last !== undefined && sameBytes(this.idOf(last), routingId)) return last;
    const value = this.entries.get(key(routingId));
    if (value !== undefined) this.last = value;
    return value;
  }

  has(routingId: Buffer): boolean {
    return this.get(routingId) !== undefined;
  }

  /** Adds `value` under its routing id, replacing any value there. */
  set(value: V): void {
    const routingId = this.idOf(value);
    this.forgetLast(routingId);
    this.entries.set(key(routingId), value);
  }

  delete(routingId: Buffer): void {
    this.forgetLast(routingId);
    this.entries.delete(key(routingId));
  }

  clear(): void {
    this.entries.clear();
    this.last = undefined;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  private forgetLast(routingId: Buffer): void {
    if (this.last !== undefined && sameBytes(this.idOf(this.last), routingId)) this.last = undefined;
  }
}

/** Routing ids as Map keys: latin1 maps each byte to one character, so any bytes make a distinct key. */
function key(routingId: Buffer): string {
  return routingId.toString("latin1");
}
