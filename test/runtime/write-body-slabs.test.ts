/**
 * Written by an outside review of runtime/protocol/write-body.ts: seeded sequences of small, medium,
 * just-over-half-slab and large encodes, mixed with encodes that fail midway
 * (a function, a throwing getter, a lone surrogate, too deep, a re-entrant
 * encode whose error the getter swallows). Checks, after every step: every
 * buffer handed out and still held keeps its bytes; no two held buffers
 * overlap in memory; each success writes @msgpack/msgpack's bytes (no bigints
 * in these values); every failure is an EncodeError.
 */
import { Encoder } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { EncodeError } from "pseud";
import { encodeValue } from "pseud/protocol";
import { Prng } from "../fuzz/prng.js";

const KiB = 1024;
const library = new Encoder({ ignoreUndefined: false });
const TEXT = ["a", "é", "€", "😀", "z", " "];

function text(rng: Prng, units: number): string {
  let s = "";
  while (s.length < units) s += rng.chance(0.8) ? "a" : rng.pick(TEXT);
  return s;
}

/** A value that encodes, of about `bytes`. */
function sized(rng: Prng, bytes: number): unknown {
  switch (rng.int(4)) {
    case 0:
      return new Uint8Array(rng.bytes(bytes));
    case 1:
      return text(rng, bytes >> 1);
    case 2:
      return ["echo", [new Uint8Array(bytes).fill(rng.int(256))], { note: text(rng, rng.int(600)) }];
    default:
      return Array.from({ length: Math.max(1, bytes >> 6) }, (_, i) => ({ i, s: text(rng, 40) }));
  }
}

/** A value whose encode fails after writing about `bytes`, in one of several ways. */
function failing(rng: Prng, bytes: number): unknown {
  const head = [new Uint8Array(bytes).fill(7), "x".repeat(rng.int(100))];
  switch (rng.int(5)) {
    case 0:
      return [...head, () => 0];
    case 1:
      return [...head, { get boom() { throw new Error("getter"); } }];
    case 2:
      return [...head, `${"y".repeat(rng.pick([10, 40, 70, 300]))}\ud800`];
    case 3: {
      let deep: unknown = 0;
      for (let i = 0; i < 101; i++) deep = [deep];
      return [...head, deep];
    }
    default:
      return [...head, Symbol("s")];
  }
}

/** A getter that encodes (refused), swallows the refusal and gives a value: the outer encode must go on, correct. */
function reentrant(rng: Prng): unknown {
  const inner = sized(rng, rng.pick([10, 20 * KiB, 40 * KiB]));
  return [
    "before",
    {
      get field() {
        try {
          encodeValue(inner);
        } catch (error) {
          if (!(error instanceof EncodeError)) throw error;
        }
        return "swallowed";
      },
    },
  ];
}

interface Held {
  readonly bytes: Buffer;
  readonly copy: Buffer;
}

function run(seed: number, steps: number): { ok: number; failed: number } {
  const rng = new Prng(seed);
  let held: Held[] = [];
  let ok = 0;
  let failed = 0;
  for (let step = 0; step < steps; step++) {
    const kind = rng.int(10);
    let value: unknown;
    let expected: Uint8Array | undefined;
    if (kind <= 3) value = sized(rng, rng.int(400));
    else if (kind === 4) value = sized(rng, rng.between(20 * KiB, 40 * KiB));
    else if (kind === 5) value = new Uint8Array(rng.between(32 * KiB - 64, 33 * KiB)).fill(step & 0xff);
    else if (kind === 6) value = sized(rng, rng.between(70 * KiB, 400 * KiB));
    else if (kind === 7 || kind === 8) value = failing(rng, rng.pick([0, 100, 20 * KiB, 32 * KiB, 40 * KiB, 70 * KiB]));
    else value = reentrant(rng);
    if (kind !== 7 && kind !== 8 && kind !== 9) expected = library.encode(value);
    let bytes: Buffer;
    try {
      bytes = encodeValue(value);
    } catch (error) {
      if (!(error instanceof EncodeError)) throw new Error(`seed ${seed} step ${step}: ${String(error)} escaped`);
      if (kind !== 7 && kind !== 8) throw new Error(`seed ${seed} step ${step}: ${String(error)}`);
      failed++;
      bytes = Buffer.alloc(0);
    }
    if (kind === 9) expected = library.encode(["before", { field: "swallowed" }]);
    if (expected !== undefined && !bytes.equals(expected)) throw new Error(`seed ${seed} step ${step}: bytes differ from the library's`);
    if (bytes.length > 0) {
      ok++;
      for (const h of held) {
        if (h.bytes.buffer !== bytes.buffer) continue;
        const disjoint = h.bytes.byteOffset + h.bytes.length <= bytes.byteOffset || bytes.byteOffset + bytes.length <= h.bytes.byteOffset;
        if (!disjoint) throw new Error(`seed ${seed} step ${step}: a new message overlaps one handed out before`);
      }
      held.push({ bytes, copy: Buffer.from(bytes) });
    }
    for (const h of held) if (!h.bytes.equals(h.copy)) throw new Error(`seed ${seed} step ${step}: a message handed out before changed`);
    // Let go of some, so that slabs and own memory get collected and made again.
    if (held.length > 400) held = held.filter(() => rng.chance(0.5));
  }
  return { ok, failed };
}

describe("the writer: slabs, failures and re-entrance", () => {
  for (const seed of [1, 20_260_101]) {
    it(`never changes a message it handed out, and writes the library's bytes (seed ${seed})`, () => {
      const { ok, failed } = run(seed, 1_000);
      expect(ok).toBeGreaterThan(650);
      expect(failed).toBeGreaterThan(70);
    });
  }
});
