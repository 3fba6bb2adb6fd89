import { Dealer, Router } from "zeromq";
import { describe, expect, it, onTestFailed } from "vitest";
import { Client, silentLogger } from "pseud";
import { decodeFrames, encodeMessage, newMessageId } from "pseud/protocol";
import { closeAfter, RecordingLogger } from "../helpers.js";
import { startChildServer } from "../liveness/child.js";
import { goodValue, hostileFrames } from "./hostile-frames.js";
import { fuzzMessages, fuzzSeed, Prng } from "./prng.js";

/**
 * Seeded fuzzing over real sockets. Run longer with PSEUD_FUZZ_MESSAGES=100000;
 * play a failed run again with the PSEUD_FUZZ_SEED its failure names.
 */

const MESSAGES = fuzzMessages(3_000);
const MiB = 1024 * 1024;
/** The fuzzed server's heap limit: ample for its work, too small for what one trusted array32 header allocates (256 MiB). */
const SERVER_HEAP_MIB = 192;
/** Heap the fuzzed server may keep after a full GC, whatever the number of messages. */
const RETAINED_HEAP_BOUND = 32 * MiB;
/** A long run's time: 2 ms a message (a hang guard, not a speed requirement), never under vitest's default. */
const TEST_TIMEOUT_MS = Math.max(20_000, MESSAGES * 2);
const EMPTY = Buffer.alloc(0);

/** The seed of this test's run, named when it fails (a timeout too), so that it can be played again. */
function seedOfThisTest(): number {
  const seed = fuzzSeed();
  onTestFailed(() => {
    console.error(`fuzz failure: play it again with PSEUD_FUZZ_SEED=${seed} PSEUD_FUZZ_MESSAGES=${MESSAGES}`);
  });
  return seed;
}

describe("fuzz", () => {
  it(`a server under ${MESSAGES} hostile messages serves every good call rightly, in bounded memory`, async () => {
    const seed = seedOfThisTest();
    const hostileRng = new Prng(seed);
    const goodRng = new Prng(seed ^ 0x9e3779b9);
    // In a child, so that a crash is seen, with a heap too small for one trusted length header.
    const server = await startChildServer([`--max-old-space-size=${SERVER_HEAP_MIB}`, "--expose-gc"]);
    const alive = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, server.died]);
    // Liveness is not under test here: without heartbeats, a good call fails only by its own fault.
    const client = closeAfter(new Client("svc", { logger: silentLogger, heartbeat: { plugin: "none" } }));
    client.connect(server.endpoint);
    const stats = async () => (await alive(client.call("stats"))) as { heapUsed: number; errorLines: number };
    const hostile = closeAfter(new Dealer({ linger: 0 }));
    hostile.connect(server.endpoint);

    // The hostile peer's last message is a good call: its answer says the server has read all the others.
    const lastId = newMessageId();
    const allRead = (async () => {
      for (;;) {
        const frames = await hostile.receive();
        const decoded = decodeFrames(frames[0]?.length === 0 ? frames.slice(1) : frames);
        if (decoded.ok && decoded.message.id.equals(lastId)) return decoded.message;
      }
    })();
    allRead.catch(() => {}); // awaited below; it fails only when the test already has (its socket closed)

    const baseline = await stats();
    let fuzzing = true;
    let goodCalls = 0;
    const calling = (async () => {
      while (fuzzing) {
        const value = goodValue(goodRng);
        expect(await alive(client.call("echo", [value])), "a good call's result").toEqual(value);
        goodCalls++;
      }
    })();
    calling.catch(() => {}); // awaited below; an early failure of the test must not leave it unhandled
    for (let i = 0; i < MESSAGES; i++) {
      const frames = hostileFrames(hostileRng);
      // Mostly as a DEALER should (an empty delimiter first), sometimes not; never an empty message.
      await alive(hostile.send(hostileRng.chance(0.9) || frames.length === 0 ? [EMPTY, ...frames] : frames));
      // The good client lives in this process too: the sender yields to it now and then, as a remote attacker would not need to.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await alive(hostile.send([EMPTY, ...encodeMessage({ type: "WORK", id: lastId, work: { method: "echo", args: ["last"], kwargs: {} } })]));
    expect(await alive(allRead)).toMatchObject({ type: "OK", value: "last" });
    fuzzing = false;
    await calling;

    expect(goodCalls, "good calls made during the fuzz").toBeGreaterThan(0);
    const after = await stats();
    expect(after.heapUsed - baseline.heapUsed, "the server's retained heap growth").toBeLessThan(RETAINED_HEAP_BOUND);
    expect(after.errorLines, "error lines the server logged").toBe(0);
  }, TEST_TIMEOUT_MS);

  it(`a client whose server answers with about ${MESSAGES} hostile messages settles every call as the first reply for it says`, async () => {
    const seed = seedOfThisTest();
    const serverRng = new Prng(seed);
    const clientRng = new Prng(seed ^ 0x9e3779b9);
    const server = closeAfter(new Router({ routingId: "svc", linger: 0, mandatory: true }));
    await server.bind("tcp://127.0.0.1:*");
    const logger = new RecordingLogger();
    // No heartbeats: the hostile server sends none, and "server lost" would be a third outcome.
    const client = closeAfter(new Client("svc", { logger, heartbeat: { plugin: "none" } }));
    client.register("ping", () => "pong");
    client.connect(server.lastEndpoint as string);

    /** By call number: what the first reply the server sent for that call settles it with; none: it times out. */
    const expected = new Map<number, Expected>();
    // About five messages per call: garbage, one or more attempts at a reply, duplicates.
    const calls = Math.ceil(MESSAGES / 5);
    let sent = 0;
    const serving = (async () => {
      const seen = new Set<number>();
      while (seen.size < calls) {
        const [peer, , ...frames] = (await server.receive()) as [Buffer, Buffer, ...Buffer[]];
        const decoded = decodeFrames(frames);
        if (!decoded.ok || decoded.message.type !== "WORK" || decoded.message.work.method !== "echo") continue; // the client's answers to hostile WORKs
        const { id, work } = decoded.message;
        const [callNo, silent, value] = work.args as [number, boolean, unknown];
        if (seen.has(callNo)) continue; // sent again after an AUTHENTICATED
        seen.add(callNo);
        const send = async (pseudFrames: Buffer[]) => {
          await server.send([peer, EMPTY, ...pseudFrames]);
          sent++;
        };
        // Garbage first, none of it for this call (other ids, or none).
        for (let k = serverRng.int(4); k > 0; k--) await send(hostileFrames(serverRng));
        if (silent) continue;
        // Then messages for this call until one settles it, known by decoding it as the client will, before the client can.
        for (;;) {
          const frames = serverRng.chance(0.3) ? encodeMessage({ type: "OK", id, value }) : hostileFrames(serverRng, id);
          const outcome = settlesAs(frames, id);
          if (outcome !== undefined) expected.set(callNo, outcome);
          await send(frames);
          if (outcome !== undefined) break;
        }
        // Duplicates and late garbage for the settled call change nothing.
        for (let k = serverRng.int(3); k > 0; k--) {
          await send(serverRng.chance(0.5) ? encodeMessage({ type: "OK", id, value: "late" }) : hostileFrames(serverRng, id));
        }
      }
    })();
    serving.catch(() => {}); // awaited below; an early failure of the test must not leave it unhandled

    // Up to 32 calls at once; a silent one times out soon, an answered one never does.
    const checks: Promise<void>[] = [];
    const inFlight = new Set<Promise<void>>();
    for (let callNo = 0; callNo < calls; callNo++) {
      const silent = clientRng.chance(0.1);
      const value = goodValue(clientRng);
      const settled = client.call("echo", [callNo, silent, value], {}, { timeoutMs: silent ? 100 : 10_000 }).then(
        (result) => ({ ok: true, result }),
        (error: unknown) => ({ ok: false, code: (error as { code?: unknown }).code }),
      );
      const check = settled.then((outcome) => expect(outcome, `call ${callNo}`).toEqual(asSettled(expected.get(callNo))));
      checks.push(check);
      inFlight.add(check);
      const done = () => inFlight.delete(check);
      check.then(done, done);
      if (inFlight.size >= 32) await Promise.race(inFlight);
    }
    await Promise.all(checks);
    await serving;
    expect(sent, "hostile messages sent").toBeGreaterThanOrEqual(calls);
    expect(logger.lines.filter((line) => line.level === "error")).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

/** How a call should settle: with a value, or failed with an error of this code. */
type Expected = { readonly kind: "value"; readonly value: unknown } | { readonly kind: "error"; readonly code: string };

/**
 * What a message settles the call `id` with, decoded as the client decodes
 * it (see RpcPeer.receive): an OK or ERROR for that id, readable or not (an
 * unreadable one fails the call with ProtocolError), or an UNAUTHORIZED for
 * it; undefined for anything else.
 */
function settlesAs(frames: Buffer[], id: Buffer): Expected | undefined {
  const decoded = decodeFrames(frames);
  if (!decoded.ok) {
    const forCall = decoded.id?.equals(id) === true && (decoded.type === "OK" || decoded.type === "ERROR");
    return forCall ? { kind: "error", code: "PROTOCOL" } : undefined;
  }
  const message = decoded.message;
  if (!message.id.equals(id)) return undefined;
  switch (message.type) {
    case "OK":
      return { kind: "value", value: message.value };
    case "ERROR":
      return { kind: "error", code: { ServiceNotFoundError: "SERVICE_NOT_FOUND", UnauthorizedError: "UNAUTHORIZED" }[message.failure.className] ?? "REMOTE" };
    case "UNAUTHORIZED":
      return { kind: "error", code: "UNAUTHORIZED" };
    default:
      return undefined;
  }
}

/** A call's outcome as the test compares it: its result, or its error's code (no reply at all: TIMEOUT). */
function asSettled(want: Expected | undefined): { ok: boolean; result?: unknown; code?: string } {
  if (want === undefined) return { ok: false, code: "TIMEOUT" };
  return want.kind === "value" ? { ok: true, result: want.value } : { ok: false, code: want.code };
}
