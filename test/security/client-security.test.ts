import { describe, expect, it } from "vitest";
import { HandshakeError, silentLogger, UnauthorizedError } from "pseud";
import type { RpcPeer } from "../../runtime/peer/rpc-peer.js";
import { clientSecurity } from "../../runtime/security/client-security.js";

/** A peer whose socket events the test fires, recording the calls failed. */
function fakePeer() {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const failed: Error[] = [];
  const peer = {
    socket: { onEvent: (type: string, listener: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]) },
    setGuard: () => {},
    failAllCalls: (error: () => Error) => failed.push(error()),
  };
  const fire = (type: string, event: unknown = {}) => {
    for (const listener of listeners.get(type) ?? []) listener(event);
  };
  return { peer: peer as unknown as RpcPeer, fire, failed };
}

describe("clientSecurity: what a handshake event means for calls", () => {
  it("without security, a connection reset mid-handshake is a reconnect, not a failure", () => {
    const { peer, fire, failed } = fakePeer();
    const security = clientSecurity(undefined, "pseud:me", silentLogger);
    security.attach(peer);
    fire("handshake:error:other", { error: { code: "ECONNRESET" } });
    expect([security.failure, failed]).toEqual([undefined, []]);
  });

  it("with security, a failed handshake fails the calls until one succeeds; a refusal by ZAP is UnauthorizedError", () => {
    const { peer, fire, failed } = fakePeer();
    const security = clientSecurity({ plugin: "plain", login: "alice", password: "x" }, "pseud:me", silentLogger);
    security.attach(peer);
    fire("handshake:error:other", { error: { code: "ECONNRESET" } });
    expect(security.failure).toBeInstanceOf(HandshakeError);
    fire("handshake");
    expect(security.failure).toBeUndefined();
    fire("handshake:error:auth", { error: { status: 400 } });
    expect(security.failure).toBeInstanceOf(UnauthorizedError);
    expect(failed.map((e) => e.constructor)).toEqual([HandshakeError, UnauthorizedError]);
  });
});
