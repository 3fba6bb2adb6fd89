import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { DEFAULT_DECODE_LIMITS } from "pseud";
import { decodeValue } from "pseud/protocol";

// A collection on demand, to see what a read leaves behind.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterCollection(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Found by an outside review: the shared stack kept the depth of the deepest body ever read. */
it("a body millions deep, where maxDepth allows it, leaves nothing of its depth behind once refused", () => {
  const limits = { ...DEFAULT_DECODE_LIMITS, maxDepth: 10_000_000 };
  const body = Buffer.alloc(4_000_000, 0x91); // 4 M nested one-element arrays, with nothing inside the last
  const before = heapAfterCollection();
  expect(() => decodeValue(body, limits)).toThrow(/declares more values/);
  // A stack of 4 M entries is about 32 MiB.
  expect(heapAfterCollection() - before).toBeLessThan(8 * 2 ** 20);
});

it("a refused body leaves none of its values reachable through the shared stack", () => {
  // [<4 MiB of text>, [<a cut header>]]: the outer array, holding the text, waits on the stack while the inner one is read.
  const body = Buffer.concat([Buffer.of(0x92, 0xdb, 0x00, 0x40, 0x00, 0x00), Buffer.alloc(4 * 2 ** 20, 0x61), Buffer.of(0x91, 0xdb)]);
  const before = heapAfterCollection();
  expect(() => decodeValue(body)).toThrow(/ends inside the header/);
  // The text is 4 MiB of the heap while anything reaches it.
  expect(heapAfterCollection() - before).toBeLessThan(2 * 2 ** 20);
});

/** Found by an outside review: the shared stack cleared its containers but kept the map keys of past bodies. */
it("keeps no map key of past bodies, read or refused", () => {
  // k − 1 one-element arrays around {<1 MiB key>: [0xc1]}: the key waits on the stack while [0xc1] is read, and refused.
  const KEY = 2 ** 20;
  const body = (k: number) => {
    const head = Buffer.of(0x81, 0xdb, 0, 0, 0, 0);
    head.writeUInt32BE(KEY, 2);
    return Buffer.concat([Buffer.alloc(k - 1, 0x91), head, Buffer.alloc(KEY, 0x61 + (k % 26)), Buffer.of(0x91, 0xc1)]);
  };
  const before = heapAfterCollection();
  for (let k = 40; k >= 1; k--) expect(() => decodeValue(body(k))).toThrow(/0xc1/);
  // 40 keys of 1 MiB each, if kept.
  expect(heapAfterCollection() - before).toBeLessThan(8 * 2 ** 20);
  // …and those of a body read whole.
  const whole = Buffer.concat([body(2).subarray(1, -2), Buffer.of(0x91, 0x01)]); // {<1 MiB key>: [1]}: the key waits while [1] is read
  const keyLength = () => Object.keys(decodeValue(whole) as object)[0]?.length;
  keyLength(); // the first read of a shape compiles and allocates more than its value
  decodeValue(Uint8Array.of(0x81, 0xa1, 0x61, 0x91, 0x01)); // {a: [1]}: were keys kept, the stack would now hold "a"
  const read = heapAfterCollection();
  expect(keyLength()).toBe(KEY);
  expect(heapAfterCollection() - read).toBeLessThan(512 * 1024);
});
