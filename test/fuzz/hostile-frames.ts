import { ExtData } from "@msgpack/msgpack";
import { encodeMessage, encodeValue, type Message, newMessageId } from "pseud/protocol";
import type { Prng } from "./prng.js";

/**
 * What a hostile peer sends, made from a seeded {@link Prng}: valid messages
 * mutated, and messages built to hurt a decoder. Each strategy returns the
 * frames after the ROUTER envelope (the pseud frames, or any other count).
 */

const V1 = Buffer.from("v1");
const TYPE_BYTES = [0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11] as const;
/** Unicode that survives utf-8 both ways: no lone surrogates. */
const TEXT = ["a", "Z", "0", " ", "é", "ß", "€", "中", "😀", "\n", "\u0000", "'", '"'] as const;

/** A value as a good peer sends it, that comes back equal from an echo: every msgpack type and length form, rarely a large one. */
export function goodValue(rng: Prng, depth = 0): unknown {
  /** Mostly short (the fix forms), sometimes 8- and 16-bit lengths, rarely a 32-bit one. */
  const length = (short: number, longer: readonly number[], huge: number) =>
    rng.chance(huge) ? 70_000 : rng.chance(0.85) ? rng.int(short) : rng.pick(longer);
  const leaf = depth >= 3 || rng.chance(0.55);
  if (!leaf) {
    const size = length(6, [16, 17, 20], 0.0002);
    // Small containers nest; large ones hold leaves, so that a value stays small.
    const element = () => (size > 300 ? 0 : goodValue(rng, size > 6 ? 3 : depth + 1));
    if (rng.chance(0.5)) return Array.from({ length: size }, element);
    return Object.fromEntries(Array.from({ length: size }, (_, i) => [`${rng.pick(TEXT)}${i}`, element()]));
  }
  switch (rng.int(12)) {
    case 0:
      return Array.from({ length: length(20, [32, 255, 256, 300], 0.001) }, () => rng.pick(TEXT)).join("");
    case 1:
      return rng.between(-200, 200);
    case 2:
      return rng.between(-(2 ** 31), 2 ** 31);
    case 3:
      return rng.pick([2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32]);
    case 4:
      return rng.pick([2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 63n), -(2n ** 60n)]);
    case 5:
      return (rng.next() - 0.5) * 1e6;
    case 6:
      return rng.pick([true, false, null]);
    case 7:
      return new Uint8Array(rng.bytes(length(40, [255, 256, 300], 0.001)));
    case 8:
      return new Date(rng.between(-1e12, 4e12));
    case 9: // extension types a peer may use: every fixext size and ext 8, 16, 32
      return new ExtData(rng.int(100), new Uint8Array(rng.bytes(rng.chance(0.5) ? rng.pick([1, 2, 4, 8, 16]) : length(20, [255, 256, 300], 0.001))));
    case 10:
      return [];
    default:
      return {};
  }
}

/** A valid message of any type, as a good peer would send it. */
function validMessage(rng: Prng, id: Buffer = newMessageId()): Message {
  switch (rng.int(7)) {
    case 0:
      return { type: "WORK", id, work: { method: rng.pick(["echo", "add", "missing", "a.b.c"]), args: [goodValue(rng)], kwargs: {} } };
    case 1:
      return { type: "OK", id, value: goodValue(rng) };
    case 2:
      return { type: "ERROR", id, failure: { className: rng.pick(["ValueError", "ServiceNotFoundError", "UnauthorizedError", "X"]), message: "m", traceback: "t" } };
    case 3:
      return { type: "HELLO", id, login: "alice", password: new Uint8Array(rng.bytes(8)) };
    case 4:
      return { type: "AUTHENTICATED", id, text: "Welcome b'alice'" };
    case 5:
      return { type: "UNAUTHORIZED", id, text: "Authentication Required" };
    default:
      return { type: "HEARTBEAT", id: Buffer.alloc(0), text: "" };
  }
}

/** A msgpack length header (array, map, str, bin or ext; 16 or 32 bits) declaring `length`, with no payload. */
function lengthHeader(rng: Prng, length: number): Buffer {
  // array32 the most: nested ones are the classic bomb.
  const head = rng.pick([0xdd, 0xdd, 0xdd, 0xdc, 0xde, 0xdf, 0xda, 0xdb, 0xc5, 0xc6, 0xc8, 0xc9] as const);
  const wide = head === 0xdd || head === 0xdf || head === 0xdb || head === 0xc6 || head === 0xc9;
  const header = Buffer.alloc(wide ? 5 : 3);
  header[0] = head;
  if (wide) header.writeUInt32BE(length >>> 0, 1);
  else header.writeUInt16BE(length & 0xffff, 1);
  // An extension's type byte follows its length; sometimes a pickled one.
  return head === 0xc8 || head === 0xc9 ? Buffer.concat([header, Buffer.of(rng.pick([7, 123, 124, 125, 126, 0xff]))]) : header;
}

/** A body that declares far more than it holds: one header, or many nested, maybe after a valid prefix. */
function bombBody(rng: Prng): Buffer {
  // 2^25 and just under: the largest arrays V8 allocates at once (8 bytes a slot); larger ones it refuses or makes sparse.
  const huge = () => rng.pick([2 ** 25, 2 ** 25 - 1, 2 ** 24, 2 ** 32 - 1, 0x7fffffff, rng.between(1_000, 2 ** 32 - 1)]);
  const headers = Array.from({ length: rng.chance(0.5) ? 1 : rng.between(2, 40) }, () => lengthHeader(rng, huge()));
  const prefix = rng.chance(0.5) ? [Buffer.of(0x93, 0xa4, ...Buffer.from("echo"), 0x91)] : []; // ["echo", [ …
  return Buffer.concat([...prefix, ...headers, rng.bytes(rng.int(8))]);
}

/** A body nested far deeper than any limit. */
function deepBody(rng: Prng): Buffer {
  const levels = rng.pick([50, 99, 100, 101, 1_000, rng.between(100, 20_000)]);
  return Buffer.concat([Buffer.alloc(levels, rng.pick([0x91, 0x81])), Buffer.of(0xa0, 0x01)]);
}

/** Pickled Python extensions (123–126), and extensions of every size. */
function extBody(rng: Prng): Buffer {
  const type = rng.pick([123, 124, 125, 126, 0xff, 7]);
  const payload = rng.bytes(rng.pick([1, 2, 4, 8, 16, rng.int(300)]));
  const fixed = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[payload.length];
  const ext = fixed === undefined ? Buffer.concat([Buffer.of(0xc7, payload.length & 0xff, type), payload]) : Buffer.concat([Buffer.of(fixed, type), payload]);
  return Buffer.concat([Buffer.of(0x93, 0xa4, ...Buffer.from("echo"), 0x91), ext, Buffer.of(0x80)]);
}

function mutate(rng: Prng, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  if (out.length === 0) return rng.bytes(rng.int(4));
  for (let flips = rng.between(1, 8); flips > 0; flips--) {
    const at = rng.int(out.length);
    out[at] = rng.chance(0.7) ? (out[at] as number) ^ (1 << rng.int(8)) : rng.int(256);
  }
  return out;
}

type Strategy = (rng: Prng, id: Buffer) => Buffer[];

const withBody = (id: Buffer, type: number, body: Buffer): Buffer[] => [V1, id, Buffer.of(type), body];

/** How a hostile peer makes a message, by what it tries. */
const STRATEGIES: Readonly<Record<string, Strategy>> = {
  "random frame count": (rng) => Array.from({ length: rng.pick([0, 1, 2, 3, 5, 6, 9]) }, () => rng.bytes(rng.int(24))),
  "bit flips of a valid message": (rng, id) => {
    const frames = encodeMessage(validMessage(rng, id));
    const which = rng.int(frames.length);
    return frames.map((frame, i) => (i === which || rng.chance(0.1) ? mutate(rng, frame) : frame));
  },
  "truncated body": (rng, id) => {
    const frames = encodeMessage(validMessage(rng, id));
    const body = frames[3] as Buffer;
    return [...frames.slice(0, 3), body.subarray(0, rng.int(Math.max(1, body.length)))];
  },
  "length-header bomb": (rng, id) => withBody(id, rng.pick([0x01, 0x03, 0x10, 0x02]), bombBody(rng)),
  "deep nesting": (rng, id) => withBody(id, rng.pick([0x01, 0x03]), deepBody(rng)),
  "extensions, pickled ones too": (rng, id) => withBody(id, rng.pick([0x01, 0x03]), extBody(rng)),
  "bad version": (rng, id) => {
    const frames = encodeMessage(validMessage(rng, id));
    const version = rng.pick([Buffer.from("v2"), Buffer.alloc(0), rng.bytes(rng.int(20)), Buffer.from("v1 "), rng.bytes(rng.chance(0.02) ? 1 << 20 : 3)]);
    return [version, ...frames.slice(1)];
  },
  "bad type": (rng, id) => {
    const frames = encodeMessage(validMessage(rng, id));
    return [frames[0] as Buffer, id, rng.pick([Buffer.alloc(0), Buffer.of(rng.int(256)), rng.bytes(rng.between(2, 9))]), frames[3] as Buffer];
  },
  "bad id": (rng) => {
    const frames = encodeMessage(validMessage(rng));
    return [frames[0] as Buffer, rng.bytes(rng.pick([0, 1, 15, 17, 64, 300])), ...frames.slice(2)];
  },
  "empty frames": (rng, id) => encodeMessage(validMessage(rng, id)).map((frame) => (rng.chance(0.5) ? Buffer.alloc(0) : frame)),
  "wrong body shape": (rng, id) => withBody(id, rng.pick([...TYPE_BYTES]), Buffer.from(encodeValue(goodValue(rng)))),
  "huge text body": (rng, id) => withBody(id, rng.pick([0x04, 0x06, 0x11]), Buffer.alloc(rng.pick([65_536, 65_537, 300_000]), 0x61)),
  "valid message": (rng, id) => encodeMessage(validMessage(rng, id)),
};

const STRATEGY_LIST = Object.values(STRATEGIES);

/** One hostile message's frames; `id` is the message id to aim at, when one matters. */
export function hostileFrames(rng: Prng, id: Buffer = newMessageId()): Buffer[] {
  return rng.pick(STRATEGY_LIST)(rng, id);
}
