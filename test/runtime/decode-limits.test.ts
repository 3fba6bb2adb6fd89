import { Decoder } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { DEFAULT_DECODE_LIMITS, DEFAULT_MAX_DEPTH, type DecodeLimits, EncodeError, ProtocolError } from "pseud";
import { decodeFrames, decodeValue, encodeMessage, encodeValue, newMessageId } from "pseud/protocol";
import { goodValue } from "../fuzz/hostile-frames.js";
import { Prng } from "../fuzz/prng.js";

/** What decodeValue threw, or a failure if it returned. */
function refusal(bytes: Uint8Array, limits?: DecodeLimits): ProtocolError {
  try {
    decodeValue(bytes, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error(`decoded, not refused: 0x${Buffer.from(bytes).toString("hex")}`);
}

const FF = 0xff;
/** n arrays of one element around `inner`: a value nested n + 1 deep. */
const nested = (n: number, inner: unknown): unknown => (n === 0 ? inner : [nested(n - 1, inner)]);

describe("decode limits: each header is checked against the bytes received before what it declares is read", () => {
  // Each header declares far more than follows it; a decoder that trusted it would allocate first.
  it.each([
    ["array16", [0xdc, FF, FF]],
    ["array32", [0xdd, FF, FF, FF, FF]],
    ["map16", [0xde, FF, FF, 0xa0, 0xc0]],
    ["map32", [0xdf, FF, FF, FF, FF]],
    ["fixarray of 15 with 2 bytes", [0x9f, 1, 2]],
    ["fixmap of 15 entries with 2 bytes", [0x8f, 0xa0, 1]],
    ["str32", [0xdb, FF, FF, FF, FF, 0x61]],
    ["str8", [0xd9, 10, 0x61]],
    ["bin32", [0xc6, FF, FF, FF, FF, 0]],
    ["bin16", [0xc5, FF, FF]],
    ["ext32", [0xc9, FF, FF, FF, FF, 7, 0]],
    ["ext8", [0xc7, 200, 7]],
    ["fixext16 with 3 bytes", [0xd8, 7, 1, 2, 3]],
    ["20 nested array32 headers", Array.from({ length: 20 }, () => [0xdd, 0x02, 0, 0, 0]).flat()],
    ["a bomb after a valid prefix", [0x93, 0xa1, 0x6d, 0x90, 0xdf, FF, FF, FF, FF]],
  ])("%s: refused as BODY, with a short message", (_name, bytes) => {
    const error = refusal(Uint8Array.from(bytes));
    expect(error.fault).toBe("BODY");
    expect(error.message.length).toBeLessThan(200);
  });

  it("names what a header declared and what was left", () => {
    expect(refusal(Uint8Array.of(0xdd, 0x02, 0, 0, 0)).message).toBe(
      "BODY: body refused: an array of 33554432 at offset 0 declares more values than the 0 bytes left for it",
    );
  });

  it("counts what the enclosing containers still need: nested headers that each fit the body's end are refused at the second", () => {
    const body = Buffer.alloc(1_000); // [[…999 − 10 zeros…]] declared twice over
    for (const at of [0, 5]) {
      body[at] = 0xdd;
      body.writeUInt32BE(990, at + 1);
    }
    expect(refusal(body).message).toBe("BODY: body refused: an array of 990 at offset 5 declares more values than the 1 bytes left for it");
    // A map's value: after it, the map's other keys and values need a byte each.
    expect(refusal(Uint8Array.of(0x82, 0xa1, 0x61, 0x93, 0x01, 0x02, 0xa1, 0x62)).message).toContain("an array of 3 at offset 3 declares more values than the 2 bytes left");
    expect(decodeValue(Uint8Array.of(0x82, 0xa1, 0x61, 0x92, 0x01, 0x02, 0xa1, 0x62, 0xc0))).toEqual({ a: [1, 2], b: null });
  });

  it.each([
    ["truncated int64", [0xd3, 0, 0]],
    ["truncated length", [0xdb, 0]],
    ["empty body", []],
    ["array missing its last value", [0x92, 1]],
    ["trailing bytes", [0x01, 0x02]],
    ["the unused byte 0xc1", [0x91, 0xc1]],
  ])("%s: refused as BODY", (_name, bytes) => {
    expect(refusal(Uint8Array.from(bytes)).fault).toBe("BODY");
  });

  it(`accepts the deepest value the encoder writes (${DEFAULT_MAX_DEPTH}), refuses one level more`, () => {
    const deepest = nested(DEFAULT_MAX_DEPTH - 1, 1);
    expect(decodeValue(encodeValue(deepest))).toEqual(deepest);
    expect(() => encodeValue(nested(DEFAULT_MAX_DEPTH, 1))).toThrow(EncodeError);
    const tooDeep = Uint8Array.from([...Array.from({ length: DEFAULT_MAX_DEPTH }, () => 0x91), 0x01]);
    expect(refusal(tooDeep).message).toContain(`deeper than ${DEFAULT_MAX_DEPTH}`);
    // An empty container at the deepest level has no values below it.
    expect(decodeValue(encodeValue(nested(DEFAULT_MAX_DEPTH - 1, [])))).toEqual(nested(DEFAULT_MAX_DEPTH - 1, []));
  });

  it("refuses 100,000 nested arrays without recursion (no stack overflow), in a body of 100,001 bytes", () => {
    const bytes = new Uint8Array(100_001).fill(0x91);
    bytes[100_000] = 0x01;
    expect(refusal(bytes).message).toContain("deeper than");
  });

  it("applies tighter limits given by the caller", () => {
    const limits = (over: Partial<DecodeLimits>): DecodeLimits => ({ ...DEFAULT_DECODE_LIMITS, ...over });
    expect(refusal(encodeValue([1, 2, 3]), limits({ maxArrayLength: 2 })).message).toContain("limit of 2");
    expect(refusal(encodeValue({ a: 1, b: 2 }), limits({ maxMapLength: 1 })).message).toContain("limit of 1");
    expect(refusal(encodeValue("abcd"), limits({ maxStrLength: 3 })).message).toContain("limit of 3");
    expect(refusal(encodeValue(new Uint8Array(4)), limits({ maxBinLength: 3 })).message).toContain("limit of 3");
    expect(refusal(encodeValue(new Date(0)), limits({ maxExtLength: 3 })).message).toContain("limit of 3");
    expect(refusal(encodeValue([[1]]), limits({ maxDepth: 2 })).message).toContain("deeper than 2");
    expect(decodeValue(encodeValue([1, 2]), limits({ maxArrayLength: 2, maxDepth: 2 }))).toEqual([1, 2]);
  });

  it("decodeFrames applies its limits to the body, and bounds text bodies", () => {
    const id = newMessageId();
    const work = encodeMessage({ type: "WORK", id, work: { method: "m", args: [1, 2, 3], kwargs: {} } });
    expect(decodeFrames(work).ok).toBe(true);
    expect(decodeFrames(work, { ...DEFAULT_DECODE_LIMITS, maxArrayLength: 2 })).toMatchObject({ ok: false, type: "WORK", error: { fault: "BODY" } });
    const heartbeat = (bytes: number) => [Buffer.from("v1"), Buffer.alloc(0), Buffer.of(0x06), Buffer.alloc(bytes, 0x61)];
    expect(decodeFrames(heartbeat(DEFAULT_DECODE_LIMITS.maxTextBody)).ok).toBe(true);
    expect(decodeFrames(heartbeat(DEFAULT_DECODE_LIMITS.maxTextBody + 1))).toMatchObject({ ok: false, type: "HEARTBEAT", error: { fault: "BODY" } });
  });

  it("turns every safe int64, wherever it sits, into a number; a 0xd3 inside a string is just text", () => {
    const int64 = (n: number) => [0xd3, 0, 0, 0, 0, 0, 0, 0, n];
    const uint64Unsafe = [0xcf, 0, 0x20, 0, 0, 0, 0, 0, 0]; // 2^53
    // {"a": [5, 2^53], "b": "\xd3"}
    const bytes = Uint8Array.from([0x82, 0xa1, 0x61, 0x92, ...int64(5), ...uint64Unsafe, 0xa1, 0x62, 0xa2, 0xc3, 0x93]);
    expect(decodeValue(bytes)).toEqual({ a: [5, 2n ** 53n], b: "\u00d3" });
  });

  it("reads what @msgpack/msgpack reads, alike, and refuses what it refuses: 10,000 mutated bodies (seeded)", () => {
    const rng = new Prng(20_261_123);
    // The library as an oracle: int64 read as bigints (made numbers where safe, as ours), lengths bounded by the
    // body's so that a length bomb costs it nothing either, map keys of any type let through.
    const oracle = (body: Uint8Array) => {
      const decoder = new Decoder({ useBigInt64: true, maxArrayLength: body.length, maxMapLength: body.length, mapKeyConverter: (key) => key as string });
      try {
        // Over a plain Uint8Array, so that its bin and ext values are plain views, as ours.
        return { value: numbersWhereSafe(decoder.decode(new Uint8Array(body.buffer, body.byteOffset, body.length))) };
      } catch (error) {
        return { error };
      }
    };
    const ours = (body: Uint8Array) => {
      try {
        return { value: decodeValue(body) };
      } catch (error) {
        return { error };
      }
    };
    /** What we refuse and the library reads, on purpose: PROTOCOL.md, "Encoding facts". */
    const refusedOnPurpose = /not valid utf-8|not a string|PICKLED_EXT|nanoseconds|reserved/;
    const tally = { alike: 0, bothRefuse: 0, onPurpose: 0 };
    for (let i = 0; i < 10_000; i++) {
      const body = Buffer.from(encodeValue(goodValue(rng)));
      const at = rng.int(body.length);
      switch (rng.int(4)) {
        case 0:
          body[at] = (body[at] as number) ^ (1 << rng.int(8));
          break;
        case 1:
          body[at] = rng.int(256);
          break;
        case 2: // msgpack is prefix-free: no prefix of a value is a value
          expect(ours(body.subarray(0, rng.int(body.length))).error, "a truncated body").toBeInstanceOf(ProtocolError);
          continue;
      }
      const theirs = oracle(body);
      const read = ours(body);
      const hex = `0x${body.toString("hex")}`;
      if ("value" in read) {
        if ("error" in theirs) expect.fail(`read what the library refuses (${String(theirs.error)}): ${hex}`);
        expect(read.value, hex).toEqual(theirs.value);
        tally.alike++;
      } else if ("error" in theirs) tally.bothRefuse++;
      else if (refusedOnPurpose.test(String(read.error))) tally.onPurpose++;
      else expect.fail(`refused what the library reads (${String(read.error)}): ${hex}`);
    }
    // Each kind of outcome was met often enough to mean something.
    expect(tally.alike).toBeGreaterThan(5_000);
    expect(tally.bothRefuse).toBeGreaterThan(800);
    expect(tally.onPurpose).toBeGreaterThan(200);
  });
});

/** The library's bigints within ±(2^53 − 1) as numbers, as ours reads them; in place. */
function numbersWhereSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (Array.isArray(value)) value.forEach((element, i) => (value[i] = numbersWhereSafe(element)));
  else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = numbersWhereSafe(record[key]);
  }
  return value;
}
