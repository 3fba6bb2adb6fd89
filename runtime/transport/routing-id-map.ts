import { sameBytes } from "../protocol/same-bytes.js";

/**
 * A Map keyed by routing id, for what a peer keeps per connection (the
 * connection table, the heartbeat plugin's watch list). Every message looks
 * its sender up, and messages mostly come in runs from one peer (a busy
 * client, a burst): the entry found last is compared first, by bytes (about
 * 20 ns), where a miss makes the routing id text and hashes it (about 160).
 * An entry deleted or replaced is forgotten there too.
 */
export class RoutingIdMap<V> {
  private readonly entries = new Map<string, V>();
  /** The routing id (our own copy) and value found last; undefined once that entry is deleted or replaced. */
  private lastId: Buffer | undefined;
  private lastValue: V | undefined;

  get size(): number {
    return this.entries.size;
  }

  get(routingId: Buffer): V | undefined {
    if (this.lastId !== undefined && sameBytes(this.lastId, routingId)) return this.lastValue;
    const value = this.entries.get(key(routingId));
    if (value !== undefined) {
      this.lastId = Buffer.from(routingId);
      this.lastValue = value;
    }
    return value;
  }

  has(routingId: Buffer): boolean {
    return this.get(routingId) !== undefined;
  }

  set(routingId: Buffer, value: V): void {
    this.entries.set(key(routingId), value);
    this.forgetLast(routingId);
  }

  delete(routingId: Buffer): void {
    this.entries.delete(key(routingId));
    this.forgetLast(routingId);
  }

  clear(): void {
    this.entries.clear();
    this.lastId = undefined;
    this.lastValue = undefined;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  private forgetLast(routingId: Buffer): void {
    if (this.lastId === undefined || !sameBytes(this.lastId, routingId)) return;
    this.lastId = undefined;
    this.lastValue = undefined;
  }
}

/** Routing ids as Map keys: latin1 maps each byte to one character, so any bytes make a distinct key. */
function key(routingId: Buffer): string {
  return routingId.toString("latin1");
}
