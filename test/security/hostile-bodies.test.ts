import { Dealer } from "zeromq";
import { describe, expect, it } from "vitest";
import { Client, Server, silentLogger } from "pseud";
import { SUPPRESSED_MESSAGE } from "../../runtime/rate-limited-logger.js";
import { encodeMessage, encodeValue, newMessageId } from "pseud/protocol";
import { closeAfter, nextMessage, RecordingLogger } from "../helpers.js";
import { startChildServer } from "../liveness/child.js";

const V1 = Buffer.from("v1");
const WORK = Buffer.of(0x03);
/** An array32 header declaring 2^25 elements in 5 bytes: a decoder that trusts it allocates 2^25 slots (256 MiB) before reading one. */
const ARRAY32_BOMB = Buffer.of(0xdd, 0x02, 0x00, 0x00, 0x00);

function dealerTo(endpoint: string): Dealer {
  const dealer = closeAfter(new Dealer({ linger: 0 }));
  dealer.connect(endpoint);
  return dealer;
}


describe("length-header bombs in a body (before any authentication)", () => {
  it("20 nested array32 headers (100 bytes) are refused; the server lives and serves", async () => {
    // 256 MiB of heap: a server that trusted one header would die at once.
    const server = await startChildServer(["--max-old-space-size=256"]);
    const dealer = dealerTo(server.endpoint);
    const id = newMessageId();
    await dealer.send(["", V1, id, WORK, Buffer.concat(Array.from({ length: 20 }, () => ARRAY32_BOMB))]);
    const reply = await Promise.race([nextMessage(dealer), server.died]);
    expect(reply).toMatchObject({ type: "ERROR", failure: { className: "ProtocolError", message: expect.stringContaining("BODY") } });
    expect(reply.id.equals(id)).toBe(true);
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    client.connect(server.endpoint);
    expect(await Promise.race([client.call("echo", ["still serving"]), server.died])).toBe("still serving");
  });

  it("a 5-byte array32 header every millisecond does not starve a good client's calls", async () => {
    const server = await startChildServer();
    const dealer = dealerTo(server.endpoint);
    let flooding = true;
    let firstRefusal!: () => void;
    /** The server has refused a header: the flood reaches it. */
    const floodReachesServer = new Promise<void>((resolve) => (firstRefusal = resolve));
    const reading = (async () => {
      try {
        for (;;) if ((await nextMessage(dealer)).type === "ERROR") firstRefusal();
      } catch {
        // the dealer closed at the test's end
      }
    })();
    const sending = (async () => {
      try {
        while (flooding) {
          await dealer.send(["", V1, newMessageId(), WORK, ARRAY32_BOMB]);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } catch {
        // the dealer closed at the test's end
      }
    })();
    await Promise.race([floodReachesServer, server.died]);
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    client.connect(server.endpoint);
    for (let i = 0; i < 50; i++) expect(await Promise.race([client.call("echo", [i]), server.died])).toBe(i);
    flooding = false;
    await sending;
    dealer.close();
    await reading;
  });
});

/** A server with a recording logger, and a DEALER that sends it raw frames. */
async function loggedServer(options: { logRateLimit?: { burst: number; intervalMs: number } } = {}) {
  const logger = new RecordingLogger();
  const server = closeAfter(new Server("svc", { logger, ...options }));
  server.register("ping", () => "pong");
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  return { logger, dealer: dealerTo(endpoint) };
}

/** A kind of bad message, and how to tell its log lines. */
interface BadKind {
  readonly frames: (string | Buffer)[];
  readonly logs: (message: string, fields: Readonly<Record<string, unknown>>) => boolean;
}

describe("log lines about bad input", () => {
  it("a flood of 3,000 bad messages: at most `burst` lines per kind per interval; a summary counts the rest", async () => {
    const limit = { burst: 5, intervalMs: 1_000 };
    const { logger, dealer } = await loggedServer({ logRateLimit: limit });
    const kinds: BadKind[] = [
      { frames: ["", "v0", newMessageId(), WORK, Buffer.from(encodeValue(["ping", [], {}]))], logs: (_m, f) => f.fault === "VERSION" },
      { frames: ["", V1, newMessageId(), Buffer.of(0x7f), Buffer.alloc(0)], logs: (_m, f) => f.fault === "TYPE" },
      { frames: ["", ...encodeMessage({ type: "OK", id: newMessageId(), value: 1 })], logs: (m) => m.startsWith("reply dropped") },
    ];
    const perKind = 1_000;
    const started = Date.now();
    for (let i = 0; i < perKind; i++) for (const kind of kinds) await dealer.send(kind.frames);
    const written = (kind: BadKind) => logger.lines.filter((l) => l.message !== SUPPRESSED_MESSAGE && kind.logs(l.message, l.fields));
    const suppressed = (kind: BadKind) =>
      logger.lines
        .filter((l) => l.message === SUPPRESSED_MESSAGE && kind.logs(String(l.fields.message), l.fields))
        .reduce((sum, l) => sum + Number(l.fields.suppressed), 0);
    // Nothing is lost: every bad message is a line, or counted by a summary.
    for (const kind of kinds) await logger.waitFor(() => written(kind).length + suppressed(kind) === perKind, 10_000);
    const intervals = 1 + Math.ceil((Date.now() - started) / limit.intervalMs);
    for (const kind of kinds) expect(written(kind).length).toBeLessThanOrEqual(limit.burst * intervals);
  });

  it("a peer-controlled value is cut short: a 1 MiB version frame makes a short line", async () => {
    const { logger, dealer } = await loggedServer();
    await dealer.send(["", Buffer.alloc(1024 * 1024, 0x41), newMessageId(), WORK, Buffer.from(encodeValue(["ping", [], {}]))]);
    const line = await logger.waitFor((l) => l.fields.fault === "VERSION");
    expect(JSON.stringify(line.fields).length).toBeLessThan(1_000);
  });
});
