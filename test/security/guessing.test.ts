import { describe, expect, it } from "vitest";
import { UnauthorizedError } from "pseud";
import { type Message, newMessageId } from "pseud/protocol";
import { deferred, RecordingLogger } from "../helpers.js";
import { rawPeer } from "./raw-peer.js";
import { KEYS, securedClient, securedServer } from "./secured.js";

const THROTTLED = "Authentication Error: too many failed attempts; retry later";
/** Limits whose backoff outlasts any test, so that no assertion depends on how fast the machine is. */
const guessLimits = { firstBackoffMs: 3_600_000 };
const untrustedCurve = { plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland", admin: "root" }, guessLimits } as const;
const curvePeer = { curve: KEYS.mallory, serverKey: KEYS.server.publicKey };
const hello = (login: string, password: string): Message => ({ type: "HELLO", id: newMessageId(), login, password });

/** Sends a HELLO and returns the text of its answer. */
async function answer(peer: ReturnType<typeof rawPeer>, login: string, password: string): Promise<string> {
  const message = hello(login, password);
  await peer.send(message);
  const reply = await peer.next();
  expect(reply.id).toEqual(message.id);
  return reply.type === "UNAUTHORIZED" || reply.type === "AUTHENTICATED" ? `${reply.type} ${reply.text}` : reply.type;
}

describe("password guessing is limited per login, not per connection", () => {
  it("the budget survives an empty frame (once taken for a disconnect)", async () => {
    const { endpoint } = await securedServer(untrustedCurve);
    const peer = rawPeer(endpoint, curvePeer);
    for (let i = 0; i < 3; i++) expect(await answer(peer, "alice", `guess${i}`)).toBe("UNAUTHORIZED Authentication Error");
    await peer.sendRaw([]); // [server, '']: the connection's budget used to start again here
    for (let i = 3; i < 5; i++) expect(await answer(peer, "alice", `guess${i}`)).toBe("UNAUTHORIZED Authentication Error");
    expect(await answer(peer, "alice", "wonderland")).toBe(`UNAUTHORIZED ${THROTTLED}`); // not even checked
  });

  it("the budget survives reconnecting; a pseud client with the right password is refused too, other logins are served", async () => {
    const { endpoint } = await securedServer(untrustedCurve);
    const first = rawPeer(endpoint, curvePeer);
    for (let i = 0; i < 5; i++) expect(await answer(first, "alice", `guess${i}`)).toBe("UNAUTHORIZED Authentication Error");
    first.socket.close();
    const second = rawPeer(endpoint, curvePeer);
    expect(await answer(second, "alice", "wonderland")).toBe(`UNAUTHORIZED ${THROTTLED}`);
    const client = securedClient(endpoint, { plugin: "untrusted_curve", keyPair: KEYS.alice, serverKey: KEYS.server.publicKey, login: "alice", password: "wonderland" });
    await expect(client.call("whoami")).rejects.toEqual(new UnauthorizedError("Max authentication retries reached"));
    const admin = securedClient(endpoint, { plugin: "untrusted_curve", keyPair: KEYS.admin, serverKey: KEYS.server.publicKey, login: "admin", password: "root" });
    expect(await admin.call("whoami")).toBe("admin");
  });

  it("plain: passwords guessed at connect (ZAP) are limited per login across connections", async () => {
    const logger = new RecordingLogger();
    const { endpoint } = await securedServer({ plugin: "plain", users: { alice: "wonderland", bob: "builder" }, guessLimits }, logger);
    for (let i = 0; i < 5; i++) {
      await expect(securedClient(endpoint, { plugin: "plain", login: "alice", password: `guess${i}` }).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
    }
    await expect(securedClient(endpoint, { plugin: "plain", login: "alice", password: "wonderland" }).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
    await logger.waitFor((line) => line.message === "connection refused" && String(line.fields.reason).startsWith('too many failed attempts for user "alice"'));
    expect(await securedClient(endpoint, { plugin: "plain", login: "bob", password: "builder" }).call("whoami")).toBe("bob");
  });

  it("plain: passwords guessed at connect are limited per address across logins", async () => {
    const { endpoint } = await securedServer({ plugin: "plain", users: { alice: "wonderland", bob: "builder" }, guessLimits: { ...guessLimits, freeFailuresPerAddress: 3 } });
    for (const login of ["u1", "u2", "u3"]) {
      await expect(securedClient(endpoint, { plugin: "plain", login, password: "guess" }).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
    }
    await expect(securedClient(endpoint, { plugin: "plain", login: "bob", password: "builder" }).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe("no oracle: a HELLO's answer tells nothing its sender may not know", () => {
  /** untrusted_curve whose password check counts the checks of each login; alice's checks wait for `gate`. */
  async function countingServer(gate: Promise<void> = Promise.resolve()) {
    const checks = new Map<string, number>();
    const passwords: Record<string, string> = { alice: "wonderland", admin: "root" };
    const users = async (login: string, password: string) => {
      checks.set(login, (checks.get(login) ?? 0) + 1);
      if (login === "alice") await gate;
      return passwords[login] === password;
    };
    const { endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users });
    return { endpoint, checks };
  }

  it("on an authenticated connection, a HELLO for another login gets the same answer whether its password is right or wrong, unchecked", async () => {
    const { endpoint, checks } = await countingServer();
    const peer = rawPeer(endpoint, curvePeer);
    expect(await answer(peer, "alice", "wonderland")).toBe("AUTHENTICATED Welcome b'alice'");
    const right = await answer(peer, "admin", "root");
    const wrong = await answer(peer, "admin", "not-root");
    expect(right).toBe(wrong);
    expect(right).toBe("UNAUTHORIZED Authentication Error: already authenticated as alice");
    expect(checks.get("admin")).toBeUndefined();
  });

  it("HELLOs sent together are checked one at a time: once one binds, the others are not checked", async () => {
    const gate = deferred();
    const { endpoint, checks } = await countingServer(gate.promise);
    const peer = rawPeer(endpoint, curvePeer);
    const hellos = [hello("alice", "wonderland"), hello("admin", "root"), hello("admin", "not-root")];
    for (const message of hellos) await peer.send(message);
    const work = peer.work("whoami");
    await peer.send(work);
    // The WORK is refused while alice's check waits: the server has read every HELLO before it.
    expect(await peer.next()).toMatchObject({ type: "UNAUTHORIZED", id: work.id, text: expect.stringMatching(/^Authentication Required/) });
    gate.resolve();
    const replies = [await peer.next(), await peer.next(), await peer.next()];
    expect(replies.map((r) => r.id)).toEqual(hellos.map((h) => h.id));
    expect(replies.map((r) => (r.type === "UNAUTHORIZED" || r.type === "AUTHENTICATED" ? `${r.type} ${r.text}` : r.type))).toEqual([
      "AUTHENTICATED Welcome b'alice'",
      "UNAUTHORIZED Authentication Error: already authenticated as alice",
      "UNAUTHORIZED Authentication Error: already authenticated as alice",
    ]);
    expect(checks.get("admin")).toBeUndefined();
  });
});
