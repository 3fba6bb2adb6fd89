import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LazyMap, SWEEP_AFTER } from "../../runtime/peer/lazy-map.js";

/** How many entries the LazyMap's table holds, live and cleared: what it costs in memory. */
const held = (map: LazyMap<unknown, object>) => (map as unknown as { entries: Map<unknown, unknown> }).entries.size;

describe("LazyMap: a Map whose deletes clear entries and sweep them later", () => {
  it("behaves as a Map for any sequence of set, delete, get and clear (fast-check against Map as the model)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("delete" as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("get" as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("clear" as const), key: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 1_000, size: "max" }), fc.integer({ min: 0, max: 8 }), (ops, sweepAfter) => {
        const lazy = new LazyMap<number, { n: number }>(sweepAfter); // small, so that sweeps come often
        const model = new Map<number, { n: number }>();
        ops.forEach(({ kind, key }, i) => {
          if (kind === "set") {
            const value = { n: i };
            lazy.set(key, value);
            model.set(key, value);
          } else if (kind === "delete") {
            expect(lazy.delete(key)).toBe(model.delete(key));
          } else if (kind === "clear") {
            lazy.clear();
            model.clear();
          } else {
            expect(lazy.get(key)).toBe(model.get(key));
          }
          expect(lazy.size).toBe(model.size);
        });
        expect(new Map(lazy)).toEqual(model); // the same entries (a key set again after a delete keeps its first place, unlike in a Map)
      }),
      { seed: 20261207, numRuns: 100 },
    );
  });

  it("holds at most about twice its live entries (plus SWEEP_AFTER), however many came and went", () => {
    const map = new LazyMap<number, object>();
    for (let i = 0; i < 100_000; i++) {
      map.set(i, {});
      if (i % 10 !== 0) map.delete(i); // nine in ten settle
    }
    expect(map.size).toBe(10_000);
    expect(held(map)).toBeLessThanOrEqual(2 * 10_000 + 1);

    const one = new LazyMap<number, object>();
    for (let i = 0; i < 100_000; i++) {
      one.set(i, {});
      one.delete(i); // one call at a time
    }
    expect(one.size).toBe(0);
    expect(held(one)).toBeLessThanOrEqual(SWEEP_AFTER + 1);
  });

  it("iterates live entries only, including when deletes during the loop sweep the table", () => {
    const map = new LazyMap<number, object>();
    for (let i = 0; i < 3 * SWEEP_AFTER; i++) map.set(i, {});
    const seen: number[] = [];
    for (const [key] of map) {
      seen.push(key);
      map.delete(key); // a sweep comes once more are cleared than live
      map.delete(key + 1); // and the next one is gone before the loop reaches it
    }
    expect(seen).toEqual(Array.from({ length: 3 * SWEEP_AFTER }, (_, i) => i).filter((i) => i % 2 === 0));
    expect(map.size).toBe(0);
  });
});
