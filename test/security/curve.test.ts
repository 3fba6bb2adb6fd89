import { createServer, type Socket, connect } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HandshakeError, UnauthorizedError } from "pseud";
import { tempProject } from "../compiler/temp-project.js";
import { afterThisTest } from "../helpers.js";
import { asTrustedCurve, KEYS, securedClient, securedServer, trustedCurveServer } from "./secured.js";

/** A TCP relay on 127.0.0.1 that records every byte crossing it, both ways. */
async function recordingRelay(target: string): Promise<{ endpoint: string; bytes: () => Buffer }> {
  const [host, port] = target.replace("tcp://", "").split(":") as [string, string];
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const relay = createServer((inbound) => {
    const outbound = connect(Number(port), host);
    sockets.push(inbound, outbound);
    inbound.on("data", (chunk: Buffer) => chunks.push(chunk));
    outbound.on("data", (chunk: Buffer) => chunks.push(chunk));
    inbound.pipe(outbound).pipe(inbound);
    inbound.on("error", () => outbound.destroy());
    outbound.on("error", () => inbound.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  afterThisTest(() => {
    for (const s of sockets) s.destroy();
    relay.close();
  });
  const address = relay.address();
  if (address === null || typeof address === "string") throw new Error("relay has no port");
  return { endpoint: `tcp://127.0.0.1:${address.port}`, bytes: () => Buffer.concat(chunks) };
}

const MARKER = "plaintext-marker-7f3a9c";

describe("CURVE", () => {
  it("encrypts traffic: the bytes on the wire never hold the plaintext (and do without CURVE)", async () => {
    for (const curve of [true, false]) {
      const { endpoint } = await securedServer(curve ? trustedCurveServer : { plugin: "none" });
      const relay = await recordingRelay(endpoint);
      const client = securedClient(relay.endpoint, curve ? asTrustedCurve("alice") : undefined);
      expect(await client.call("echo", [MARKER])).toBe(MARKER);
      const wire = relay.bytes();
      expect(wire.length).toBeGreaterThan(MARKER.length);
      expect(wire.includes(MARKER)).toBe(!curve);
      await client.close();
    }
  });

  it("fails pending and new calls at once with HandshakeError when the client has the wrong server key", async () => {
    const { endpoint } = await securedServer(trustedCurveServer);
    const client = securedClient(endpoint, asTrustedCurve("alice", KEYS.mallory.publicKey), 10_000);
    const error = await client.call("whoami").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandshakeError); // not the TimeoutError of the 10 s timeout
    await expect(client.call("whoami")).rejects.toBeInstanceOf(HandshakeError);
  });

  it("fails calls at once with UnauthorizedError when the server does not allow the client's key", async () => {
    const { endpoint } = await securedServer(trustedCurveServer);
    const client = securedClient(endpoint, asTrustedCurve("mallory"), 10_000);
    const error = await client.call("whoami").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError); // not the TimeoutError of the 10 s timeout
    expect((error as Error).message).toContain("ZAP status 400");
  });

  it("reads the allow-list from a file, and re-reads it when it changes", async () => {
    const dir = tempProject({ "clients.txt": `# login key\nalice ${KEYS.alice.publicKey}\n` });
    const { endpoint } = await securedServer({ plugin: "trusted_curve", keyPair: KEYS.server, clients: { file: join(dir, "clients.txt") } });
    expect(await securedClient(endpoint, asTrustedCurve("alice")).call("whoami")).toBe("alice");
    await expect(securedClient(endpoint, asTrustedCurve("admin"), 10_000).call("whoami")).rejects.toBeInstanceOf(UnauthorizedError);
    writeFileSync(join(dir, "clients.txt"), `alice ${KEYS.alice.publicKey}\nadmin ${KEYS.admin.publicKey}\n`);
    await expect.poll(async () => securedClient(endpoint, asTrustedCurve("admin")).call("whoami").catch((e: Error) => e.name), { timeout: 5_000 }).toBe("admin");
  });

  it("takes keys from files written by pseud keys", async () => {
    const dir = tempProject({ "s.key": `${KEYS.server.secretKey}\n`, "s.pub": `${KEYS.server.publicKey}\n`, "a.key": `${KEYS.alice.secretKey}\n`, "a.pub": `${KEYS.alice.publicKey}\n` });
    const { endpoint } = await securedServer({ plugin: "trusted_curve", keyPair: { publicKey: join(dir, "s.pub"), secretKey: join(dir, "s.key") }, clients: { alice: join(dir, "a.pub") } });
    const client = securedClient(endpoint, { plugin: "trusted_curve", keyPair: { publicKey: join(dir, "a.pub"), secretKey: join(dir, "a.key") }, serverKey: join(dir, "s.pub") });
    expect(await client.call("whoami")).toBe("alice");
  });
});
