/**
 * A Map for entries that come and go on every call, whose removals are
 * lazy: `delete` clears an entry's value in place, and the cleared entries
 * are swept out in one pass once there are more of them than live ones and
 * than {@link SWEEP_AFTER} (by default).
 *
 * Why not a Map: V8 reallocates a Map's hash table when a delete leaves it
 * under a quarter full and when an insert finds it filled with deleted
 * slots, so a table that goes from one entry to none on every call (one call
 * in flight) is reallocated on every call. A long-lived Map's table is
 * allocated in the old generation, and each such allocation is a point where
 * V8 checks whether to start a full collection, counting the external memory
 * allocated since the last one (every received frame over 128 bytes, every
 * encoded body) against the old generation's limit. With 64 KiB messages at
 * one call in flight, a client made 14–20 full collections per 1,000 calls
 * with Maps, 5–7 without (a raw zeromq.js echo: 4–5; see the README's
 * benchmarks).
 *
 * With a fresh key per entry (an event's sequence number), the table still
 * grows back after each sweep, once per thousand or so entries; where keys
 * can be used again, an array of slots avoids even that (see PendingCalls).
 * With keys that come back (a connection's serial) it never grows.
 */
export class LazyMap<K, V extends object> {
  /** A cleared entry's value is {@link CLEARED}: one look-up tells an absent key, a cleared one and a live one apart. */
  private entries = new Map<K, V | typeof CLEARED>();
  private cleared = 0;

  /** `sweepAfter`: how many cleared entries may stay before a sweep (when they also outnumber the live ones). */
  constructor(private readonly sweepAfter = SWEEP_AFTER) {}

  /** Live entries. */
  get size(): number {
    return this.entries.size - this.cleared;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    return value === CLEARED ? undefined : value;
  }

  set(key: K, value: V): void {
    if (this.entries.get(key) === CLEARED) this.cleared--;
    this.entries.set(key, value);
  }

  /** Removes `key`'s entry; false when it had none. */
  delete(key: K): boolean {
    if (this.get(key) === undefined) return false;
    this.entries.set(key, CLEARED);
    this.cleared++;
    if (this.cleared > this.sweepAfter && this.cleared > this.size) this.sweep();
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.entries = new Map();
    this.cleared = 0;
  }

  /**
   * The live entries, in the order their keys first came (a key set again
   * after a delete keeps its place). Entries deleted while iterating are
   * skipped.
   */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const key of this.entries.keys()) {
      const value = this.get(key); // from the current table: a delete during the loop may have swept the one iterated
      if (value !== undefined) yield [key, value];
    }
  }

  private sweep(): void {
    const live = new Map<K, V | typeof CLEARED>();
    for (const [key, value] of this.entries) if (value !== CLEARED) live.set(key, value);
    this.entries = live;
    this.cleared = 0;
  }
}

const CLEARED: unique symbol = Symbol("cleared");

/** Cleared entries kept before a sweep: their keys (a connection's serial, an event's sequence number) are what they cost. */
export const SWEEP_AFTER = 1024;
