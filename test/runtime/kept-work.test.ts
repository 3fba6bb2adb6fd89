import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { Router } from "zeromq";
import { Client, silentLogger } from "pseud";
import { encodeValue } from "pseud/protocol";
import { closeAfter } from "../helpers.js";

// A collection on demand, to see what pending calls keep.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** ArrayBuffer bytes kept after collections, a task apart (V8 frees them in later tasks). */
async function retainedArrayBuffers(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().arrayBuffers;
}

/**
 * Found by an outside review of the slab writer: a pending call keeps its
 * WORK to send again (after a server's UNAUTHORIZED), as a view of the
 * encoder's slab, which it keeps alive: with other traffic between calls,
 * each long-pending call pinned a slab of its own, 64 KiB then (62 MiB for
 * 1,000 calls). Slabs are 8 KiB now, as Node's pool of small Buffers, from
 * which a copy would come.
 */
it("a pending call keeps at most 8 KiB alive with its WORK (200 calls waiting amid other traffic)", async () => {
  const server = closeAfter(new Router({ routingId: "svc", linger: 0 })); // reads the WORKs, answers none
  await server.bind("tcp://127.0.0.1:*");
  const client = closeAfter(new Client("svc", { logger: silentLogger, heartbeat: { plugin: "none" } }));
  client.connect(server.lastEndpoint as string);
  const before = await retainedArrayBuffers();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < 200; i++) {
    calls.push(client.call("wait", [i], {}, { timeoutMs: 60_000 }).catch(() => undefined));
    for (let j = 0; j < 64; j++) encodeValue(["ok", "x".repeat(1_000)]); // replies, other calls: let go at once
  }
  for (let received = 0; received < 200; received++) await server.receive();
  // 200 slabs of 8 KiB are 1.6 MiB; of 64 KiB, 12.5 MiB.
  expect((await retainedArrayBuffers()) - before).toBeLessThan(2.5 * 2 ** 20);
  await client.close();
  await Promise.all(calls);
});
