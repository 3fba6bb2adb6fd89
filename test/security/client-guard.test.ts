import { describe, expect, it } from "vitest";
import { type ClientPlugin, silentLogger, UnauthorizedError } from "pseud";
import { type Message, newMessageId } from "pseud/protocol";
import type { Envelope, PeerControl } from "../../runtime/peer/guard.js";
import { ClientGuard, MAX_HELLO_RETRIES } from "../../runtime/security/client-guard.js";
import { promptText } from "../../runtime/security/prompt.js";

/** A peer that records what the guard does with it; `pending` holds the ids of calls still waiting for an answer. */
function fakePeer(pending: Buffer[]) {
  const sent: Message[] = [];
  const resent: Buffer[] = [];
  const failed: [Buffer, Error][] = [];
  const isPending = (id: Buffer) => pending.some((p) => p.equals(id));
  const peer: PeerControl = {
    send: (_envelope, message) => sent.push(message),
    resend: (id) => (isPending(id) ? resent.push(id) > 0 : false),
    fail: (id, error) => (isPending(id) ? failed.push([id, error]) > 0 : false),
  };
  return { peer, sent, resent, failed };
}

const envelope: Envelope = [Buffer.from("svc"), Buffer.alloc(0)];
const plugin: ClientPlugin = { name: "plain", mechanism: {}, hello: () => ["alice", "wonderland"] };

describe("ClientGuard: one handshake for every refused call", () => {
  it("answers the first refusal with one HELLO, queues the others, and sends them all again once authenticated", () => {
    const calls = Array.from({ length: 20 }, () => newMessageId());
    const { peer, sent, resent } = fakePeer(calls);
    const guard = new ClientGuard(plugin, "pseud:me", peer, silentLogger);
    const challenge = Buffer.alloc(32, 1);
    for (const id of calls) guard.control(envelope, { type: "UNAUTHORIZED", id, text: promptText(challenge) });
    expect(sent).toEqual([{ type: "HELLO", id: calls[0], login: "alice", password: "wonderland" }]);
    guard.control(envelope, { type: "AUTHENTICATED", id: calls[0] as Buffer, text: "Welcome b'alice'" });
    expect(resent).toEqual(calls);
  });

  it("retries a refused HELLO, then fails every waiting call; a call refused later starts a new handshake", () => {
    const calls = [newMessageId(), newMessageId(), newMessageId()];
    const { peer, sent, failed } = fakePeer(calls);
    const guard = new ClientGuard(plugin, "pseud:me", peer, silentLogger);
    const [first, second, later] = calls as [Buffer, Buffer, Buffer];
    guard.control(envelope, { type: "UNAUTHORIZED", id: first, text: promptText(Buffer.alloc(32, 1)) });
    guard.control(envelope, { type: "UNAUTHORIZED", id: second, text: promptText(Buffer.alloc(32, 1)) });
    for (let i = 0; i < MAX_HELLO_RETRIES; i++) guard.control(envelope, { type: "UNAUTHORIZED", id: first, text: "Authentication Error" });
    expect(sent.map((m) => m.id)).toEqual(Array.from({ length: MAX_HELLO_RETRIES }, () => first));
    expect(failed.map(([id]) => id)).toEqual([first, second]);
    expect(failed[0]?.[1]).toEqual(new UnauthorizedError("Max authentication retries reached"));
    guard.control(envelope, { type: "UNAUTHORIZED", id: later, text: promptText(Buffer.alloc(32, 1)) });
    expect(sent.map((m) => m.id)).toEqual([...Array.from({ length: MAX_HELLO_RETRIES }, () => first), later]);
    expect(failed).toHaveLength(2);
  });

  it("starts again for a new connection (another challenge, or reset): the HELLO under way would never be answered", () => {
    const calls = [newMessageId(), newMessageId(), newMessageId()];
    const { peer, sent, resent } = fakePeer(calls);
    const guard = new ClientGuard(plugin, "pseud:me", peer, silentLogger);
    const [old, fresh, afterReset] = calls as [Buffer, Buffer, Buffer];
    guard.control(envelope, { type: "UNAUTHORIZED", id: old, text: promptText(Buffer.alloc(32, 1)) });
    guard.control(envelope, { type: "UNAUTHORIZED", id: fresh, text: promptText(Buffer.alloc(32, 2)) });
    expect(sent.map((m) => m.id)).toEqual([old, fresh]);
    guard.control(envelope, { type: "AUTHENTICATED", id: fresh, text: "Welcome b'alice'" });
    expect(resent).toEqual([old, fresh]);
    guard.control(envelope, { type: "UNAUTHORIZED", id: afterReset, text: "Authentication Required" }); // a reference server: no challenge
    guard.reset();
    guard.control(envelope, { type: "UNAUTHORIZED", id: afterReset, text: "Authentication Required" });
    expect(sent.map((m) => m.id)).toEqual([old, fresh, afterReset, afterReset]);
  });
});
