import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ExtData } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { EncodeError, ProtocolError } from "pseud";
import { decodeValue, encodeValue } from "pseud/protocol";
import { bundled } from "../bundled.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** Encodes 32 MiB values in a process of its own and reports the memory kept: see the script. */
const ENCODER_MEMORY = fileURLToPath(new URL("./encoder-memory.ts", import.meta.url));

const roundTrip = (value: unknown) => decodeValue(encodeValue(value));

describe("msgpack codec", () => {
  it("round-trips every value type pseud peers exchange", () => {
    const values: unknown[] = [
      "text ✓",
      "",
      new Uint8Array([0, 1, 254, 255]),
      [1, "two", [3]],
      { a: 1, nested: { b: [true, null] } },
      null,
      true,
      false,
      1.5,
      -0.25,
      0,
      -1,
      2 ** 31,
      2 ** 40, // safe, above 32 bits: stays a number
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2n ** 53n, // first integer beyond the safe range: a bigint
      2n ** 64n - 1n,
      -(2n ** 63n),
      new Date("2026-11-23T10:20:30.456Z"),
      new Date("1969-07-20T20:17:40.000Z"),
    ];
    for (const value of values) expect(roundTrip(value)).toEqual(value);
  });

  it("writes safe integers of 2^32 and over as msgpack integers, never floats", () => {
    expect(encodeValue(2 ** 40)[0]).toBe(0xcf); // uint64
    expect(encodeValue(-(2 ** 40))[0]).toBe(0xd3); // int64
    // …also next to a bigint, where the second encoder is used
    const mixed = encodeValue([2 ** 40, 2n ** 60n]);
    expect(mixed[1]).toBe(0xcf);
    expect(decodeValue(mixed)).toEqual([2 ** 40, 2n ** 60n]);
  });

  it("decodes integers in the safe range as numbers even when sent as int64", () => {
    // 0xd3 + int64 5: how some encoders write small integers
    const bytes = Uint8Array.of(0xd3, 0, 0, 0, 0, 0, 0, 0, 5);
    expect(decodeValue(bytes)).toBe(5);
  });

  it("does not touch the caller's value when converting for the bigint encoder", () => {
    const value = { big: 2n ** 60n, wide: 2 ** 40 };
    encodeValue(value);
    expect(value.wide).toBe(2 ** 40);
  });

  it("refuses Python's pickled datetime extensions, naming them", () => {
    for (const [type, name] of [
      [123, "tzinfo"],
      [124, "timedelta"],
      [125, "datetime"],
      [126, "date"],
    ] as const) {
      const bytes = Uint8Array.of(0xd4, type, 0x80); // fixext1 with one byte of "pickle"
      let caught: unknown;
      try {
        decodeValue(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      expect((caught as ProtocolError).fault).toBe("PICKLED_EXT");
      expect((caught as ProtocolError).message).toContain(name);
    }
  });

  it("decodes bin values as plain Uint8Array views, from a Buffer body too (what the socket gives)", () => {
    const plain = (value: unknown) => Object.getPrototypeOf(value) === Uint8Array.prototype;
    const body = Buffer.from(encodeValue(["text", { bytes: Uint8Array.of(1, 2, 3) }, Uint8Array.of(4)]));
    const [text, nested, top] = decodeValue(body) as [string, { bytes: Uint8Array }, Uint8Array];
    expect(text).toBe("text");
    expect(plain(nested.bytes) && plain(top)).toBe(true);
    expect([...nested.bytes, ...top]).toEqual([1, 2, 3, 4]);
    const ext = decodeValue(Buffer.from(encodeValue(new ExtData(7, Uint8Array.of(1, 2))))) as ExtData;
    expect(plain(ext.data)).toBe(true);
  });

  it("passes other extension types through as ExtData", () => {
    const value = roundTrip(new ExtData(7, Uint8Array.of(1, 2)));
    expect(value).toBeInstanceOf(ExtData);
    expect((value as ExtData).type).toBe(7);
  });

  it("refuses maps with non-string keys", () => {
    const intKeyMap = Uint8Array.of(0x81, 0x01, 0xa1, 0x61); // {1: "a"}
    expect(() => decodeValue(intKeyMap)).toThrow(/not a string/);
  });

  it("refuses what msgpack cannot carry, with an EncodeError", () => {
    for (const value of [() => 1, Symbol("s"), new Map([["a", 1]]), new Set([1]), 2n ** 64n, -(2n ** 63n) - 1n]) {
      expect(() => encodeValue({ value })).toThrow(EncodeError);
    }
  });

  it("keeps no large buffer once a large value is encoded, on either encoder", async () => {
    const { stdout } = await run(process.execPath, ["--expose-gc", bundled(ENCODER_MEMORY)]);
    const { lengths, before, after } = JSON.parse(stdout) as { lengths: number[]; before: number; after: number };
    expect(lengths.every((length) => length > 32 * MiB)).toBe(true);
    // Kept, each encoder's buffer would hold 64 MiB (twice the largest message).
    expect(after - before).toBeLessThan(4 * MiB);
  });
});
