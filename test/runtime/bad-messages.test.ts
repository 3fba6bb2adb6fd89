import { Dealer } from "zeromq";
import { describe, expect, it } from "vitest";
import { Server } from "pseud";
import { decodeFrames, encodeMessage, encodeValue, newMessageId } from "pseud/protocol";
import { closeAfter, RecordingLogger } from "../helpers.js";

const V1 = Buffer.from("v1");
const packed = (value: unknown) => Buffer.from(encodeValue(value));

/** A server with a logger the test reads, and a bare DEALER connected to it that sends raw frames. */
async function serverAndDealer() {
  const logger = new RecordingLogger();
  const server = closeAfter(new Server("svc", { logger }));
  server.register("ping", () => "pong");
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  const dealer = closeAfter(new Dealer({ linger: 0, receiveTimeout: 2_000 }));
  dealer.connect(endpoint);
  /** Sends a good WORK and expects its OK: the server is still serving. */
  const stillServes = async () => {
    const id = newMessageId();
    await dealer.send(["", ...encodeMessage({ type: "WORK", id, work: { method: "ping", args: [], kwargs: {} } })]);
    for (;;) {
      const [, ...frames] = await dealer.receive();
      const decoded = decodeFrames(frames);
      if (decoded.ok && decoded.message.id.equals(id)) return decoded.message;
    }
  };
  return { logger, dealer, stillServes };
}

const id = newMessageId();
const cases: [string, (string | Buffer)[], string][] = [
  ["only the delimiter and one frame", ["", V1], "FRAME_COUNT"],
  ["three pseud frames", ["", V1, id, Buffer.of(0x03)], "FRAME_COUNT"],
  ["five pseud frames", ["", V1, id, Buffer.of(0x03), packed(["ping", [], {}]), "extra"], "FRAME_COUNT"],
  ["version v0", ["", "v0", id, Buffer.of(0x03), packed(["ping", [], {}])], "VERSION"],
  ["unknown type byte", ["", V1, id, Buffer.of(0x7f), packed(["ping", [], {}])], "TYPE"],
  ["message id of 4 bytes", ["", V1, Buffer.of(1, 2, 3, 4), Buffer.of(0x03), packed(["ping", [], {}])], "MESSAGE_ID"],
  ["empty message id on WORK", ["", V1, Buffer.alloc(0), Buffer.of(0x03), packed(["ping", [], {}])], "MESSAGE_ID"],
  ["body that is not msgpack", ["", V1, id, Buffer.of(0x03), Buffer.of(0xc1, 0xc1)], "BODY"],
  ["WORK body not [string, array, map]", ["", V1, id, Buffer.of(0x03), packed({ method: "ping" })], "WORK_BODY"],
  ["WORK with integer map keys", ["", V1, id, Buffer.of(0x03), Buffer.of(0x93, 0xa1, 0x70, 0x90, 0x81, 0x01, 0x01)], "BODY"],
  ["pickled datetime in args", ["", V1, id, Buffer.of(0x03), Buffer.of(0x93, 0xa1, 0x70, 0x91, 0xd4, 125, 0, 0x80)], "PICKLED_EXT"],
  ["OK for an unknown call", ["", ...encodeMessage({ type: "OK", id, value: 1 })], "none"],
  ["unprompted HELLO", ["", ...encodeMessage({ type: "HELLO", id, login: "a", password: "b" })], "none"],
];

describe("bad messages from a bare DEALER", () => {
  it.each(cases)("%s: logged (fault %s), and the server keeps answering", async (_name, frames, fault) => {
    const { logger, dealer, stillServes } = await serverAndDealer();
    await dealer.send(frames);
    const line = await logger.waitFor((l) => l.level === "warn");
    if (fault !== "none") expect(line.fields.fault).toBe(fault);
    expect(line.message).toMatch(/dropped/);
    expect(await stillServes()).toMatchObject({ type: "OK", value: "pong" });
  });

  it("answers a WORK whose body is broken but whose id is readable with an ERROR", async () => {
    const { dealer, stillServes } = await serverAndDealer();
    const brokenId = newMessageId();
    await dealer.send(["", V1, brokenId, Buffer.of(0x03), packed(["ping", "not an array", {}])]);
    const [, ...frames] = await dealer.receive();
    const decoded = decodeFrames(frames);
    expect(decoded).toMatchObject({ ok: true, message: { type: "ERROR", failure: { className: "ProtocolError" } } });
    expect(decoded.ok && decoded.message.id.equals(brokenId)).toBe(true);
    expect(await stillServes()).toMatchObject({ value: "pong" });
  });

  it("answers a DEALER that leaves out the empty delimiter in the same shape", async () => {
    const { dealer } = await serverAndDealer();
    const callId = newMessageId();
    await dealer.send(encodeMessage({ type: "WORK", id: callId, work: { method: "ping", args: [], kwargs: {} } }));
    const frames = await dealer.receive();
    expect(frames).toHaveLength(4);
    expect(decodeFrames(frames)).toMatchObject({ ok: true, message: { type: "OK", value: "pong" } });
  });

  it("survives a flood of garbage and answers the next good call", async () => {
    const { logger, dealer, stillServes } = await serverAndDealer();
    for (let i = 0; i < 500; i++) await dealer.send(["", V1, id, Buffer.of(i % 256), Buffer.of(i % 256)]);
    expect(await stillServes()).toMatchObject({ value: "pong" });
    expect(logger.lines.filter((l) => l.message.includes("dropped")).length).toBeGreaterThan(0);
  });
});
