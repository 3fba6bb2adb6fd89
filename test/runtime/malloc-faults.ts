/**
 * Run by malloc-thresholds.test.ts in a process of its own, with
 * --expose-gc: opens and closes one pseud socket (which raises glibc's malloc
 * thresholds unless PSEUD_MALLOC_TUNING=off), then allocates, touches and
 * drops 256 KiB buffers, and prints the page faults that took, one number.
 * glibc's defaults put every 256 KiB allocation in an mmap of its own, its
 * pages faulted in anew each time; raised thresholds serve it from the heap,
 * whose pages are reused.
 */
import { readFileSync } from "node:fs";
import { Client, silentLogger } from "pseud";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

/** This process's minor page faults so far: the 10th field of /proc/self/stat, the 8th after "pid (comm) ". */
const minorFaults = () => Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ")[7]);
/** Collections a task apart: V8 frees collected ArrayBuffers' memory after the collection, not in it. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

await new Client("malloc", { logger: silentLogger }).close();
await collect(); // the 8 MiB warm-up buffer is freed here: that is what raises the thresholds
const before = minorFaults();
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 16; i++) Buffer.allocUnsafeSlow(256 * 1024).fill(round);
  await collect();
}
process.stdout.write(`${minorFaults() - before}\n`);
