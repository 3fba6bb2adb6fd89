import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { DEFAULT_DECODE_LIMITS } from "pseud";
import { decodeValue } from "pseud/protocol";

// A collection on demand, to see what a scan leaves behind.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapAfterCollection(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Found by an outside review: the body scan's shared stack kept the depth of the deepest body ever scanned. */
it("a body millions deep, where maxDepth allows it, leaves nothing of its depth behind once refused", () => {
  const limits = { ...DEFAULT_DECODE_LIMITS, maxDepth: 10_000_000 };
  const body = Buffer.alloc(4_000_000, 0x91); // 4 M nested one-element arrays, with nothing inside the last
  const before = heapAfterCollection();
  expect(() => decodeValue(body, limits)).toThrow(/declares more values/);
  // A stack of 4 M entries is about 32 MiB.
  expect(heapAfterCollection() - before).toBeLessThan(8 * 2 ** 20);
});
