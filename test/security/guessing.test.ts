import { describe, expect, it } from "vitest";
import { type Message, newMessageId } from "pseud";
import { deferred } from "../helpers.js";
import { rawPeer } from "./raw-peer.js";
import { KEYS, securedServer } from "./secured.js";

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
