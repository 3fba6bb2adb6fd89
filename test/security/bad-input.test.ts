import { describe, expect, it } from "vitest";
import { Client, KeyError, Server, silentLogger, UnauthorizedError } from "pseud";
import { encodeValue, newMessageId } from "pseud/protocol";
import { deferred, RecordingLogger } from "../helpers.js";
import { MAX_PENDING_HELLOS } from "../../runtime/security/server-guard.js";
import { rawPeer } from "./raw-peer.js";
import { KEYS, securedClient, securedServer } from "./secured.js";

const plain = { plugin: "plain", users: { alice: "wonderland" } } as const;
const untrustedCurve = { plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland", bob: "builder" } } as const;
const curvePeer = { curve: KEYS.mallory, serverKey: KEYS.server.publicKey };

describe("bad input to a secured server: each gets its precise answer", () => {
  it.each([
    ["wrong password", "wonderlnd"],
    ["unknown user", "wonderland", "nobody"],
  ])("%s: the caller fails at once with UnauthorizedError, the server logs the refusal", async (_case, password, login = "alice") => {
    const logger = new RecordingLogger();
    const { endpoint } = await securedServer(plain, logger);
    const client = securedClient(endpoint, { plugin: "plain", login, password }, 10_000);
    await expect(client.call("whoami")).rejects.toBeInstanceOf(UnauthorizedError); // not the TimeoutError of the 10 s timeout
    await logger.waitFor((line) => line.message === "connection refused" && String(line.fields.reason).includes(login));
  });

  it("a malformed key: KeyError at construction, naming the key and why", () => {
    expect(() => new Server("svc", { logger: silentLogger, security: { plugin: "trusted_curve", keyPair: { publicKey: "short", secretKey: KEYS.server.secretKey }, clients: {} } })).toThrow(
      new KeyError(`server key pair public key: "short" is neither a key file nor 40 characters of Z85 text`),
    );
    expect(() => new Client("svc", { logger: silentLogger, security: { plugin: "trusted_curve", keyPair: KEYS.alice, serverKey: new Uint8Array(16) } })).toThrow(
      new KeyError("server public key: 16 bytes; a CURVE key is 32 bytes"),
    );
  });

  it("WORK before HELLO: UNAUTHORIZED 'Authentication Required', and the handler does not run", async () => {
    const { server, endpoint } = await securedServer(untrustedCurve);
    let ran = false;
    server.register("touch", () => {
      ran = true;
    });
    const peer = rawPeer(endpoint, curvePeer);
    const work = peer.work("touch");
    await peer.send(work);
    expect(await peer.next()).toMatchObject({ type: "UNAUTHORIZED", id: work.id, text: expect.stringMatching(/^Authentication Required/) });
    expect(ran).toBe(false);
  });

  it("HELLO that is not a pair of strings or bytes: UNAUTHORIZED", async () => {
    const { endpoint } = await securedServer(untrustedCurve);
    const peer = rawPeer(endpoint, curvePeer);
    const id = newMessageId();
    await peer.sendRaw(["v1", id, Buffer.of(0x02), Buffer.from(encodeValue([1, 2, 3]))]);
    expect(await peer.next()).toMatchObject({ type: "UNAUTHORIZED", id, text: "Authentication Error: HELLO must be [login, password]" });
  });

  it("the reference's flow: WORK, UNAUTHORIZED, HELLO (as bin), AUTHENTICATED 'Welcome', the same WORK again, OK", async () => {
    const { endpoint } = await securedServer(untrustedCurve);
    const peer = rawPeer(endpoint, curvePeer);
    const work = peer.work("whoami");
    await peer.send(work);
    expect(await peer.next()).toMatchObject({ type: "UNAUTHORIZED", id: work.id });
    await peer.send({ type: "HELLO", id: work.id, login: new TextEncoder().encode("alice"), password: new TextEncoder().encode("wonderland") });
    expect(await peer.next()).toMatchObject({ type: "AUTHENTICATED", id: work.id, text: "Welcome b'alice'" });
    await peer.send(work);
    expect(await peer.next()).toMatchObject({ type: "OK", id: work.id, value: "alice" });
  });

  it("a second HELLO with another name: UNAUTHORIZED, and the first identity stays", async () => {
    const { endpoint } = await securedServer(untrustedCurve);
    const peer = rawPeer(endpoint, curvePeer);
    const hello = (login: string, password: string) => ({ type: "HELLO" as const, id: newMessageId(), login, password });
    await peer.send(hello("alice", "wonderland"));
    expect(await peer.next()).toMatchObject({ type: "AUTHENTICATED" });
    await peer.send(hello("bob", "builder"));
    expect(await peer.next()).toMatchObject({ type: "UNAUTHORIZED", text: "Authentication Error: already authenticated as alice" });
    const work = peer.work("whoami");
    await peer.send(work);
    expect(await peer.next()).toMatchObject({ type: "OK", value: "alice" });
  });

  it("a HELLO flood: a connection has at most MAX_PENDING_HELLOS waiting (the rest dropped, logged once), each checked in turn; clients of other logins are still served", async () => {
    const logger = new RecordingLogger();
    const gate = deferred();
    let checks = 0;
    const passwords: Record<string, string> = { alice: "wonderland", bob: "builder" };
    const users = async (login: string, password: string) => {
      checks++;
      await gate.promise; // a slow check: the flood arrives while the first HELLO is checked
      return passwords[login] === password;
    };
    const { endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users, guessLimits: { firstBackoffMs: 3_600_000 } }, logger);
    const flooder = rawPeer(endpoint, curvePeer);
    const hellos = Array.from({ length: 200 }, (_, i) => ({ type: "HELLO" as const, id: newMessageId(), login: "alice", password: `guess${i}` }));
    for (const hello of hellos) await flooder.send(hello);
    const work = flooder.work("whoami");
    await flooder.send(work);
    expect(await flooder.next()).toMatchObject({ type: "UNAUTHORIZED", id: work.id }); // the server has read the whole flood
    expect(logger.lines.filter((l) => l.message.startsWith("HELLO flood"))).toHaveLength(1);
    gate.resolve();
    const answers = [];
    for (let i = 0; i < MAX_PENDING_HELLOS; i++) answers.push(await flooder.next());
    expect(answers.map((a) => a.id)).toEqual(hellos.slice(0, MAX_PENDING_HELLOS).map((h) => h.id));
    expect(answers.map((a) => (a.type === "UNAUTHORIZED" ? a.text : a.type))).toEqual(Array(MAX_PENDING_HELLOS).fill("Authentication Error"));
    expect(checks).toBe(MAX_PENDING_HELLOS);
    const good = securedClient(endpoint, { plugin: "untrusted_curve", keyPair: KEYS.alice, serverKey: KEYS.server.publicKey, login: "bob", password: "builder" });
    expect(await good.call("whoami")).toBe("bob");
  });

  it("AUTHENTICATED or UNAUTHORIZED sent to a server: dropped with a log line", async () => {
    const logger = new RecordingLogger();
    const { endpoint } = await securedServer(untrustedCurve, logger);
    const peer = rawPeer(endpoint, curvePeer);
    await peer.send({ type: "AUTHENTICATED", id: newMessageId(), text: "Welcome b'root'" });
    await logger.waitFor((line) => line.message === "message dropped: a server does not take it" && line.fields.type === "AUTHENTICATED");
  });
});
