/**
 * The writer's size limit (`encodeValue(value, maxBytes)`, which a peer
 * calls with `limits.maxMessageSize`): a body of exactly the limit is
 * written as without one, a byte more is refused, and a value far over the
 * limit is refused once that is certain, before the rest of it is read or
 * memory is made for it.
 */
import { Encoder, ExtData } from "@msgpack/msgpack";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TooLargeError } from "pseud";
import { encodeMessage, encodeValue } from "pseud/protocol";
import { Prng } from "../fuzz/prng.js";

const library = new Encoder({ ignoreUndefined: false });
const KiB = 1024;

/** A value whose encoding ends in any form: small and large numbers, strings, bins, nested arrays and maps. */
function value(rng: Prng, budget: number): unknown {
  switch (rng.int(6)) {
    case 0:
      return rng.pick([0, 1, 127, 128, 65_535, 2 ** 32, -1, -33, -(2 ** 31) - 1, 0.5, 2 ** 53 - 1]);
    case 1:
      return "é".repeat(rng.int(budget / 2 + 1)) + "a".repeat(rng.int(3));
    case 2:
      return new Uint8Array(rng.bytes(rng.int(budget + 1)));
    case 3: {
      const items: unknown[] = [];
      for (let left = budget; left > 0 && items.length < 40; left -= 1 + rng.int(left)) items.push(value(rng, left / 4));
      return items;
    }
    case 4:
      return { key: value(rng, budget / 2), [`k${rng.int(100)}`]: rng.int(300) };
    default:
      return [value(rng, budget / 2), rng.pick([1, 300, 70_000, 2 ** 40])];
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the writer's size limit", () => {
  it("writes a body of exactly the limit as it writes it unlimited, and refuses one byte less of limit (3,000 seeded values)", () => {
    const rng = new Prng(20261208);
    for (let i = 0; i < 3_000; i++) {
      const v = value(rng, rng.pick([40, 3 * KiB, 5 * KiB, 20 * KiB]));
      const expected = Buffer.from(library.encode(v));
      expect(encodeValue(v, expected.length).equals(expected)).toBe(true);
      expect(() => encodeValue(v, expected.length - 1)).toThrow(TooLargeError);
    }
  });

  it("stops reading a value once its body is over the limit", () => {
    let read = 0;
    const items = new Proxy(Array.from({ length: 100_000 }, () => "x".repeat(100)), {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) read++;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(() => encodeValue(items, 64 * KiB)).toThrow(TooLargeError);
    // 64 KiB holds 642 of them (102 bytes each, with its header): not 100,000.
    expect(read).toBeGreaterThan(600);
    expect(read).toBeLessThan(700);
  });

  it("makes no memory for a body beyond its limit, however large the value", () => {
    const sizes: number[] = [];
    const allocate = Buffer.allocUnsafeSlow;
    vi.spyOn(Buffer, "allocUnsafeSlow").mockImplementation((size: number) => {
      sizes.push(size);
      return allocate(size);
    });
    const huge = "y".repeat(50 * KiB * KiB);
    expect(() => encodeValue([huge], 1_000_000)).toThrow(TooLargeError);
    expect(() => encodeValue(new Uint8Array(50 * KiB * KiB), 1_000_000)).toThrow(TooLargeError);
    expect(() => encodeValue(Array.from({ length: 200_000 }, (_, n) => n * 1000), 100_000)).toThrow(TooLargeError);
    expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(1_000_000 + 8);
    // Within the limit, a large message still gets memory of its own, sized to it.
    const half = encodeValue(new Uint8Array(500_000), 1_000_000);
    expect(half.length).toBe(500_005);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000_000 + 8);
  });

  it("writes the next value as usual after refusing one, and leaves earlier bodies as they were", () => {
    const before = encodeValue(["kept", 1, 2, 3]);
    const copy = Buffer.from(before);
    expect(() => encodeValue("z".repeat(10_000), 5_000)).toThrow(/over 5000 bytes/);
    expect(() => encodeValue(Array.from({ length: 3_000 }, () => 12345), 6_000)).toThrow(TooLargeError);
    expect(encodeValue({ after: "refusal" }).equals(Buffer.from(library.encode({ after: "refusal" })))).toBe(true);
    expect(before.equals(copy)).toBe(true);
  });

  it("refuses a maxBytes that is not a number ≥ 0, -1 included (a limit of NaN let small bodies through)", () => {
    for (const bad of [Number.NaN, -1, null, "10"]) {
      expect(() => encodeValue("hello", bad as number)).toThrow(RangeError);
      expect(() => encodeMessage({ type: "OK", id: Buffer.alloc(16), value: 1 }, [], bad as number)).toThrow(RangeError);
    }
    expect(encodeValue("hello", Number.POSITIVE_INFINITY).length).toBe(6);
    expect(() => encodeValue(null, 0)).toThrow(TooLargeError);
  });

  it("refuses a string whose length alone is over the limit without reading it", () => {
    const byteLength = vi.spyOn(Buffer, "byteLength");
    const wellFormed = vi.spyOn(String.prototype as unknown as { isWellFormed(): boolean }, "isWellFormed");
    expect(() => encodeValue(["key", "a".repeat(5_000_000)], 4 * KiB)).toThrow(TooLargeError);
    expect(byteLength).not.toHaveBeenCalled();
    expect(wellFormed).not.toHaveBeenCalled();
  });

  it("writes a Uint8Array subclass's own bytes, whatever its length getter says (the slab's other bytes never go out)", () => {
    class Liar extends Uint8Array {
      override get length(): number {
        return 64;
      }
    }
    encodeValue("s".repeat(200)); // bytes in the slab after this point that a longer claim would send
    const lie = new Liar([1, 2, 3]);
    expect(encodeValue(lie).equals(Buffer.from(library.encode(Uint8Array.of(1, 2, 3))))).toBe(true);
    expect(encodeValue(new ExtData(5, lie)).equals(Buffer.from(library.encode(new ExtData(5, Uint8Array.of(1, 2, 3)))))).toBe(true);
  });

  it("agrees with the unlimited writer at limits 1–64, around the body's size and around the slab's halves (fast-check, from the review)", () => {
    const leaf = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(0x7f, 0x80, 0xffff, 0x10000, 2 ** 32, 2 ** 53 - 1, -33, -129, -(2 ** 31) - 1),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.constantFrom("a", "é", "😀"), fc.integer({ min: 0, max: 5_000 })).map(([unit, n]) => unit.repeat(n)),
      fc.integer({ min: 0, max: 9_000 }).map((n) => new Uint8Array(n).fill(7)),
      fc.tuple(fc.integer({ min: 0, max: 122 }), fc.integer({ min: 0, max: 20_000 })).map(([type, n]) => new ExtData(type, new Uint8Array(n))),
      fc.date({ noInvalidDate: true }),
      fc.constantFrom(null, undefined, true),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("tree"), { maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 10 }), tie("tree"), { maxKeys: 10 })),
    }));
    fc.assert(
      fc.property(tree, (v) => {
        const unlimited = Buffer.from(encodeValue(v));
        const n = unlimited.length;
        const limits = [n, n - 1, n + 1, n - 8, n + 8, 4088, 4095, 4096, 4097, 8184, 8191, 8192, 8193, ...Array.from({ length: 64 }, (_, i) => i + 1)];
        for (const limit of limits.filter((l) => l >= 0)) {
          if (n <= limit) expect(encodeValue(v, limit).equals(unlimited)).toBe(true);
          else expect(() => encodeValue(v, limit)).toThrow(TooLargeError);
        }
        expect(encodeValue(v).equals(unlimited)).toBe(true);
      }),
      { numRuns: 300, seed: 424242 },
    );
  });
});
