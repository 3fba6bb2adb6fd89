/**
 * How many bytes the one allocation that raises glibc's malloc thresholds
 * takes: 8 MiB. glibc then serves allocations up to 8 MiB from its heaps
 * instead of mmap, and keeps up to 16 MiB free at the top of a heap before
 * it gives memory back to the kernel.
 */
const MALLOC_WARM_UP_BYTES = 8 * 1024 * 1024;

/** Set to `off` (e.g. `PSEUD_MALLOC_TUNING=off`), the process's allocator is left as it is. */
export const MALLOC_TUNING_ENV = "PSEUD_MALLOC_TUNING";

let raised = false;

/**
 * Raises glibc malloc's trim threshold, once per process, by allocating one
 * 8 MiB buffer and dropping it. Why: with glibc's defaults, freeing a chunk
 * of 64 KiB or more makes malloc hand the top of its heap back to the kernel
 * once more than 128 KiB is free there, so the next large buffer (ours, or
 * libzmq's for a received frame) faults its pages in again, every message.
 * At 64 KiB a call, that was 2–4 page faults and about 25 µs of the
 * client's CPU per call (see the README's benchmarks). glibc raises the
 * threshold itself, to twice the size, the first time a program frees a
 * chunk it had to mmap (anything over 128 KiB, up to 32 MiB): this is that,
 * done before the first message instead of whenever the program happens to
 * free a large buffer. The pages of the 8 MiB are never touched; V8 frees it
 * at its next garbage collection.
 *
 * It changes the process, not only pseud: up to 16 MiB per malloc arena may
 * stay mapped after it is freed. Linux only; off with `PSEUD_MALLOC_TUNING=off`.
 */
export function raiseMallocThresholds(): void {
  if (raised) return;
  raised = true;
  if (process.platform !== "linux" || process.env[MALLOC_TUNING_ENV] === "off") return;
  Buffer.allocUnsafeSlow(MALLOC_WARM_UP_BYTES);
}
