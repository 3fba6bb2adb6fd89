import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Encoder, ExtData } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { EncodeError, ProtocolError } from "pseud";
import { decodeValue, encodeValue, MAX_RETAINED_ENCODE_BUFFER } from "pseud/protocol";
import { bundled } from "../bundled.js";
import { goodValue } from "../fuzz/hostile-frames.js";
import { Prng } from "../fuzz/prng.js";

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

  it("refuses maps with keys of any other kind, naming the kind", () => {
    expect(() => decodeValue(Uint8Array.of(0x81, 0xc4, 0x01, 0x61, 0x01))).toThrow(/key at offset 1 is a bin, not a string/);
    expect(() => decodeValue(Uint8Array.of(0x81, 0x90, 0x01))).toThrow(/is an array, not a string/);
    expect(() => decodeValue(Uint8Array.of(0x81, 0xc0, 0x01))).toThrow(/is nil, not a string/);
  });

  it("refuses the map key __proto__ (which would set the object's prototype)", () => {
    const body = Uint8Array.from([0x81, 0xa9, ...Buffer.from("__proto__"), 0x81, 0xa1, 0x78, 0x01]); // {"__proto__": {"x": 1}}
    expect(() => decodeValue(body)).toThrow(ProtocolError);
    expect(() => decodeValue(body)).toThrow(/"__proto__" at offset 1 is refused/);
  });

  it("reads every integer form at its edges, int64 and uint64 as numbers exactly where they are safe", () => {
    const u64 = (n: bigint) => [0xcf, ...Buffer.from(BigInt.asUintN(64, n).toString(16).padStart(16, "0"), "hex")];
    const i64 = (n: bigint) => [0xd3, ...Buffer.from(BigInt.asUintN(64, n).toString(16).padStart(16, "0"), "hex")];
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const cases: [number[], unknown][] = [
      [[0x7f], 127],
      [[0xe0], -32],
      [[0xcc, 0xff], 255],
      [[0xcd, 0xff, 0xff], 65535],
      [[0xce, 0xff, 0xff, 0xff, 0xff], 2 ** 32 - 1],
      [[0xd0, 0x80], -128],
      [[0xd1, 0x80, 0x00], -32768],
      [[0xd2, 0x80, 0, 0, 0], -(2 ** 31)],
      [[0xd2, 0xff, 0xff, 0xff, 0xff], -1],
      [u64(max), Number.MAX_SAFE_INTEGER],
      [u64(max + 1n), max + 1n],
      [u64(2n ** 64n - 1n), 2n ** 64n - 1n],
      [i64(-1n), -1],
      [i64(max), Number.MAX_SAFE_INTEGER],
      [i64(max + 1n), max + 1n],
      [i64(-max), Number.MIN_SAFE_INTEGER],
      [i64(-max - 1n), -max - 1n],
      [i64(-(2n ** 63n)), -(2n ** 63n)],
      [i64(-(2n ** 32n)), -(2 ** 32)],
    ];
    for (const [bytes, value] of cases) expect(decodeValue(Uint8Array.from(bytes)), Buffer.from(bytes).toString("hex")).toBe(value);
  });

  it("reads float32 and float64", () => {
    expect(decodeValue(Uint8Array.of(0xca, 0x3f, 0xc0, 0, 0))).toBe(1.5);
    expect(decodeValue(Uint8Array.of(0xcb, 0xbf, 0xd0, 0, 0, 0, 0, 0, 0))).toBe(-0.25);
    expect(decodeValue(Uint8Array.of(0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0))).toBe(Infinity);
    expect(decodeValue(Uint8Array.of(0xca, 0x7f, 0xc0, 0, 0))).toBeNaN();
  });

  it("reads strings of every length, ASCII or not, wherever the first other character sits", () => {
    for (let length = 0; length <= 300; length += length < 40 ? 1 : 37) {
      const ascii = "abcdefghij".repeat(31).slice(0, length);
      expect(roundTrip(ascii)).toBe(ascii);
      for (const at of [0, length >> 1, length - 1]) {
        if (at < 0) continue;
        const text = `${ascii.slice(0, at)}€${ascii.slice(at + 1)}`;
        expect(roundTrip(text)).toBe(text);
      }
    }
    expect(roundTrip("\ufeffbom")).toBe("\ufeffbom"); // a leading byte-order mark is text
    expect(roundTrip({ "clé": "😀" })).toEqual({ "clé": "😀" });
  });

  it("refuses invalid utf-8, in values and in keys, as Python's msgpack does", () => {
    for (const bytes of [
      [0xa2, 0xc3, 0x28], // a lead byte without its continuation
      [0xa2, 0xc0, 0x80], // an overlong NUL
      [0xa3, 0xed, 0xa0, 0x80], // a lone surrogate
      [0xd9, 0x22, ...Buffer.from("a".repeat(33)), 0xff], // past the short-string path
      [0x81, 0xa1, 0xff, 0x01], // a key
    ]) {
      expect(() => decodeValue(Uint8Array.from(bytes))).toThrow(/not valid utf-8/);
    }
  });

  it("refuses a timestamp with a billion nanoseconds or more, as Python's msgpack does", () => {
    const ts96 = (nanoseconds: number) => Uint8Array.of(0xc7, 12, 0xff, ...Buffer.from(nanoseconds.toString(16).padStart(8, "0"), "hex"), 0, 0, 0, 0, 0, 0, 0, 1);
    const ts64 = (nanoseconds: number) => Uint8Array.of(0xd7, 0xff, ...Buffer.from((nanoseconds * 4).toString(16).padStart(8, "0"), "hex"), 0, 0, 0, 1);
    for (const timestamp of [ts96, ts64]) {
      expect(decodeValue(timestamp(999_999_999))).toEqual(new Date(1_999.999999));
      expect(() => decodeValue(timestamp(1_000_000_000))).toThrow(/nanoseconds \(1000000000\) are over 999999999/);
    }
  });

  it("reads extension types 0 to 127 as ExtData, and refuses the negative ones msgpack reserves, both ways", () => {
    const value = decodeValue(Uint8Array.of(0xd5, 0x05, 1, 2)) as ExtData; // fixext 2, type 5
    expect(value).toBeInstanceOf(ExtData);
    expect([value.type, ...(value.data as Uint8Array)]).toEqual([5, 1, 2]);
    expect(() => decodeValue(Uint8Array.of(0xd5, 0xfb, 1, 2))).toThrow(/extension type -5 is reserved/);
    // Found by an outside review: written as they came, Python's msgpack refused them ("code must be 0~127").
    expect(() => encodeValue(new ExtData(-5, Uint8Array.of(1)))).toThrow(EncodeError);
    expect(() => encodeValue(new ExtData(-1, Uint8Array.of(1, 2, 3)))).toThrow(/send a Date/);
  });

  it("never writes Python's pickled extension types, which a Python peer would unpickle", () => {
    for (const [type, name] of [[123, "tzinfo"], [124, "timedelta"], [125, "datetime"], [126, "date"]] as const) {
      expect(() => encodeValue({ when: new ExtData(type, Uint8Array.of(0x80)) })).toThrow(new RegExp(`pickled Python ${name}`));
    }
    expect(decodeValue(encodeValue(new ExtData(122, Uint8Array.of(1)))) as ExtData).toBeInstanceOf(ExtData);
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

describe("msgpack writer (ours, with @msgpack/msgpack as the oracle)", () => {
  const holdsBigInt = (value: unknown): boolean =>
    typeof value === "bigint" ||
    (Array.isArray(value) && value.some(holdsBigInt)) ||
    (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(holdsBigInt));

  it("writes the bytes @msgpack/msgpack writes (what holds a bigint: reads back as written), 10,000 seeded values", () => {
    const rng = new Prng(20_261_208);
    const library = new Encoder({ ignoreUndefined: false });
    let compared = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = goodValue(rng);
      const ours = encodeValue(value);
      if (holdsBigInt(value)) {
        // The library writes bigints only with useBigInt64, which writes integers of 2^32 and over as floats: no byte
        // oracle here, the value read back instead.
        expect(decodeValue(ours)).toEqual(value);
        continue;
      }
      const theirs = library.encode(value);
      if (!ours.equals(theirs)) expect.fail(`ours 0x${ours.toString("hex")}, the library's 0x${Buffer.from(theirs).toString("hex")}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(6_000);
  });

  it("writes the library's bytes at every edge of every length form", () => {
    const library = new Encoder({ ignoreUndefined: false });
    const edges = [0, 1, 15, 16, 31, 32, 255, 256, 65_535, 65_536];
    const values: unknown[] = [
      ...[0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, 2 ** 53, 0.5, -0, NaN, Infinity].flatMap((n) => [n, -n]),
      ...[-32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1],
      ...edges.flatMap((n) => ["a".repeat(n), "é".repeat(n), Array.from({ length: n }, () => 1), Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])), new Uint8Array(n)]),
      ...[1, 2, 3, 4, 8, 12, 16, 17, 255, 256, 65_536].map((n) => new ExtData(7, new Uint8Array(n).fill(n & 0xff))),
      ...[0, 1_000, -1_000, 2 ** 33 * 1000, -(2 ** 34) * 1000, 1e15 + 0.5].map((ms) => new Date(ms)),
      [undefined, null, true, false],
    ];
    for (const value of values) {
      const ours = encodeValue(value);
      const theirs = library.encode(value);
      if (!ours.equals(theirs)) expect.fail(`${String(value).slice(0, 40)}: ours 0x${ours.toString("hex", 0, 24)}…, the library's 0x${Buffer.from(theirs).toString("hex", 0, 24)}…`);
    }
  });

  it("writes bigints as int64 or uint64 and safe integers in their smallest form beside them", () => {
    expect([...encodeValue(2n ** 60n)]).toEqual([0xcf, 0x10, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeValue(-1n)]).toEqual([0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect([...encodeValue([-(2 ** 40), 2n ** 63n])]).toEqual([0x92, 0xd3, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("refuses a lone surrogate, an invalid Date and an encode from inside an encode, with an EncodeError", () => {
    for (const text of ["\ud800", `${"x".repeat(100)}\udc00`, "a\ud83d"]) expect(() => encodeValue(text)).toThrow(/lone surrogate/);
    expect(encodeValue("😀").length).toBe(5);
    expect(() => encodeValue(new Date(Number.NaN))).toThrow(/invalid Date/);
    const sneaky = { get field() {
      return encodeValue("inner");
    } };
    expect(() => encodeValue(sneaky)).toThrow(/while another is being encoded/);
    expect(decodeValue(encodeValue(["after", 1]))).toEqual(["after", 1]); // and the writer goes on
  });

  it("writes any ArrayBufferView as bin of its own bytes", () => {
    const words = new Uint16Array([1, 2, 3]).subarray(1);
    expect(decodeValue(encodeValue(words))).toEqual(new Uint8Array(words.buffer, words.byteOffset, 4));
  });

  it("goes on after a message that ends in the last 7 bytes of its slab, where the next aligned start is its end", () => {
    /** Writes messages until a bin can end exactly `gap` bytes before its slab's end; returns that bin's message. */
    const endingAt = (gap: number): Buffer => {
      for (;;) {
        const probe = encodeValue(0); // one byte; the next message starts 8 bytes after it
        const size = probe.buffer.byteLength - (probe.byteOffset + 8) - gap; // the bin's, header included
        const length = size - 2 < 256 ? size - 2 : size - 3; // bin 8 or bin 16
        if (size > MAX_RETAINED_ENCODE_BUFFER / 2 - 8) encodeValue(new Uint8Array(MAX_RETAINED_ENCODE_BUFFER / 4)); // within half a slab: it stays there
        else if (length < 0 || (size - 2 >= 256 && length < 256)) encodeValue(new Uint8Array(300)); // no bin ends there: on to the next
        else return encodeValue(new Uint8Array(length));
      }
    };
    for (let gap = 1; gap < 8; gap++) {
      const last = endingAt(gap);
      expect(last.buffer.byteLength - (last.byteOffset + last.length)).toBe(gap);
      expect(decodeValue(encodeValue(["after", gap]))).toEqual(["after", gap]);
    }
  });

  it("writes a message of more than half a slab into memory of its own, and keeps the slab for the next", () => {
    const small = encodeValue("before");
    const large = encodeValue(["echo", [new Uint8Array(MAX_RETAINED_ENCODE_BUFFER).fill(1)], {}]);
    const next = encodeValue("after");
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength - large.length).toBeLessThan(1024);
    expect(next.buffer).toBe(small.buffer);
    expect((decodeValue(large) as [string, [Uint8Array]])[1][0].every((byte) => byte === 1)).toBe(true);
  });

  it("copies a large payload once, into memory at most an eighth larger than its message, a long tail after it too (found by an outside review)", () => {
    for (const value of [
      ["echo", [new Uint8Array(4 * MiB)], { note: "n".repeat(300) }], // a first version doubled here: 8 MiB for 4
      [new Uint8Array(MiB), new Uint8Array(MiB), new Uint8Array(MiB)],
      Array.from({ length: 40_000 }, (_, i) => `s${i}`), // grows by small writes
    ]) {
      const bytes = encodeValue(value);
      expect(bytes.buffer.byteLength / bytes.length).toBeLessThan(1.13);
    }
  });

  it("lets only EncodeError out, whatever a getter throws (found by an outside review: a value whose text cannot be made escaped)", () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = { toString: () => { throw new Error("toString"); } };
    for (const thrown of [Object.create(null), throwing, revoked.proxy, new Error("plain")]) {
      expect(() => encodeValue([1, { get boom() { throw thrown; } }])).toThrow(EncodeError);
    }
    expect(decodeValue(encodeValue(["after", 1]))).toEqual(["after", 1]);
  });

  it("never overwrites a message it handed out, across slabs and a message larger than a slab", () => {
    const kept = Array.from({ length: 3_000 }, (_, i) => [i, encodeValue({ i, text: "y".repeat(i % 300) })] as const);
    const large = encodeValue([new Uint8Array(3 * MiB).fill(9), "tail"]);
    for (let i = 0; i < 100; i++) encodeValue("more");
    for (const [i, bytes] of kept) expect(decodeValue(bytes)).toEqual({ i, text: "y".repeat(i % 300) });
    const [bin, tail] = decodeValue(large) as [Uint8Array, string];
    expect([bin.length, bin[0], bin[bin.length - 1], tail]).toEqual([3 * MiB, 9, 9, "tail"]);
  });
});
