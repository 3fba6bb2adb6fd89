import { describe, expect, it } from "vitest";
import { UnauthorizedError } from "pseud";
import { RecordingLogger } from "../helpers.js";
import { asTrustedCurve, KEYS, securedClient, securedServer, trustedCurveServer } from "../security/secured.js";
import { pythonCall, startPythonPeer, startPythonServer } from "./python-peer.js";

const pythonCurveServer = (clients: Record<string, string> | null) => ({ plugin: "curve", publicKey: KEYS.server.publicKey, secretKey: KEYS.server.secretKey, clients });
const pythonCurveClient = (who: "alice" | "mallory") => ({ plugin: "curve", publicKey: KEYS[who].publicKey, secretKey: KEYS[who].secretKey, serverKey: KEYS.server.publicKey });

describe("TS client → Python server, secured", () => {
  it("plain: the Python server knows the TS client by its login (User-Id)", async () => {
    const { endpoint } = await startPythonServer("svc", { plugin: "plain", users: { alice: "wonderland" } });
    expect(await securedClient(endpoint, { plugin: "plain", login: "alice", password: "wonderland" }).call("whoami")).toBe("alice");
    await expect(securedClient(endpoint, { plugin: "plain", login: "alice", password: "nope" }, 10_000).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("trusted_peer: any password, the login is trusted", async () => {
    const { endpoint } = await startPythonServer("svc", { plugin: "trusted_peer" });
    expect(await securedClient(endpoint, { plugin: "trusted_peer", login: "bob", password: "whatever" }).call("whoami")).toBe("bob");
  });

  it("CURVE: an encrypted call; the Python server's allow-list names the key's login", async () => {
    const { endpoint } = await startPythonServer("svc", pythonCurveServer({ alice: KEYS.alice.publicKey }));
    const client = securedClient(endpoint, asTrustedCurve("alice"));
    expect(await client.call("whoami")).toBe("alice");
    expect(await client.call("echo", [new Uint8Array([1, 2, 3])])).toEqual(new Uint8Array([1, 2, 3]));
    await expect(securedClient(endpoint, asTrustedCurve("mallory"), 10_000).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe("Python client → TS server, secured", () => {
  it("plain: served once ZAP checked the password (anonymous: a reference client never sends HELLO); a wrong password fails the handshake", async () => {
    const logger = new RecordingLogger();
    const { endpoint } = await securedServer({ plugin: "plain", users: { alice: "wonderland" } }, logger);
    expect(await pythonCall(endpoint, "whoami", [], { plugin: "plain", login: "alice", password: "wonderland" })).toEqual({ kind: "OK", body: null });
    expect(await pythonCall(endpoint, "echo", [42], { plugin: "plain", login: "alice", password: "wonderland" })).toEqual({ kind: "OK", body: 42 });
    expect(await pythonCall(endpoint, "echo", [1], { plugin: "plain", login: "alice", password: "nope" })).toEqual({ kind: "REFUSED", body: "HANDSHAKE_FAILED_AUTH" });
    await logger.waitFor((line) => line.message === "connection refused");
  });

  it("plain: a Python client that sends HELLO after connecting is known by its login", async () => {
    const { endpoint } = await securedServer({ plugin: "plain", users: { alice: "wonderland" } });
    expect(await pythonCall(endpoint, "whoami", [], { plugin: "plain", login: "alice", password: "wonderland", announce: true })).toEqual({ kind: "OK", body: "alice" });
  });

  it("the seeds' example: a trusted_peer server calls a Python plain client by its login, once the shipped pseud_login helper proved it", async () => {
    const { server, endpoint } = await securedServer({ plugin: "trusted_peer" });
    const python = startPythonPeer(["idle", "svc", endpoint], { plugin: "plain", login: "alice", password: "anything", announce: true });
    expect(JSON.parse(await python.nextLine())).toEqual({ event: "authenticated", text: "Welcome b'alice'" });
    expect(await server.sendTo("alice").call("client.double", [21])).toBe(42); // send_to('alice')
  });

  it("pseud_login: a wrong password is refused with the server's answer", async () => {
    const { endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland" } });
    const curve = { plugin: "untrusted_curve", publicKey: KEYS.alice.publicKey, secretKey: KEYS.alice.secretKey, serverKey: KEYS.server.publicKey };
    expect(await pythonCall(endpoint, "whoami", [], { ...curve, login: "alice", password: "nope", announce: true })).toEqual({ kind: "REFUSED", body: "Authentication Error" });
  });

  it("trusted_peer: served, and known by its login when it announces it", async () => {
    const { endpoint } = await securedServer({ plugin: "trusted_peer" });
    expect(await pythonCall(endpoint, "whoami", [], { plugin: "trusted_peer", login: "bob", password: "x" })).toEqual({ kind: "OK", body: null });
    expect(await pythonCall(endpoint, "whoami", [], { plugin: "trusted_peer", login: "bob", password: "x", announce: true })).toEqual({ kind: "OK", body: "bob" });
  });

  it("CURVE: an encrypted call from an allowed key; an unknown key fails the handshake", async () => {
    const { endpoint } = await securedServer(trustedCurveServer);
    expect(await pythonCall(endpoint, "echo", ["secret"], pythonCurveClient("alice"))).toEqual({ kind: "OK", body: "secret" });
    expect(await pythonCall(endpoint, "echo", ["x"], pythonCurveClient("mallory"))).toEqual({ kind: "REFUSED", body: "HANDSHAKE_FAILED_AUTH" });
  });

  it("untrusted_curve: the reference flow (UNAUTHORIZED, HELLO, AUTHENTICATED, WORK again) binds the login", async () => {
    const { endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland" } });
    const client = { ...pythonCurveClient("mallory"), plugin: "untrusted_curve", login: "alice", password: "wonderland" };
    expect(await pythonCall(endpoint, "whoami", [], client)).toEqual({ kind: "OK", body: "alice" });
    const wrong = await pythonCall(endpoint, "whoami", [], { ...client, password: "nope" });
    expect(wrong).toEqual({ kind: "ERROR", body: ["UnauthorizedError", "Max authentication retries reached", ""] });
  });
});
