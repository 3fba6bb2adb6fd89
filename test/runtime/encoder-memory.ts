/**
 * Run by codec.test.ts in a process of its own, with --expose-gc: encodes a
 * 32 MiB value on each encoder (the second value holds a bigint, so the
 * first encoder grows, fails, and the second one encodes it), then prints
 * one JSON line: the encoded lengths, and the ArrayBuffer bytes retained
 * after full collections before and after. A process of its own, because
 * full collections of a test worker's heap (TypeScript and all) made this
 * check cost 2.9 s there; here it takes 0.8 s of CPU, the process's start
 * included.
 */
import { encodeValue } from "../../runtime/protocol/codec.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

/**
 * ArrayBuffer bytes after full collections: what is retained, not what is
 * merely not yet collected. V8 frees collected ArrayBuffers' memory in later
 * tasks, and on a busy machine later still, so collections are repeated, a
 * task apart, until three in a row free nothing more.
 */
async function retainedArrayBuffers(collect: () => void): Promise<number> {
  let bytes = process.memoryUsage().arrayBuffers;
  for (let round = 0, idle = 0; round < 50 && idle < 3; round++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    const next = process.memoryUsage().arrayBuffers;
    idle = round > 0 && next >= bytes ? idle + 1 : 0;
    bytes = next;
  }
  return bytes;
}

const MiB = 1024 * 1024;
encodeValue([1, 2n ** 60n]); // both encoders exist and have their small buffers
const before = await retainedArrayBuffers(gc);
const lengths = [() => new Uint8Array(32 * MiB), () => [new Uint8Array(32 * MiB), 2n ** 60n]].map((make) => encodeValue(make()).length);
const after = await retainedArrayBuffers(gc);
process.stdout.write(`${JSON.stringify({ lengths, before, after })}\n`);
