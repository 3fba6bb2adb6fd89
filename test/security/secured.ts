import { type CallContext, Client, type ClientSecurity, generateKeyPair, type HeartbeatOptions, type Logger, Server, type ServerSecurity, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";

/** Key pairs for the tests: the server, two known clients, and one nobody knows. */
export const KEYS = { server: generateKeyPair(), alice: generateKeyPair(), admin: generateKeyPair(), mallory: generateKeyPair() };

/** A secured server named "svc" with `whoami` (the caller's identity) and `secret`; closed after the test. */
export async function securedServer(security: ServerSecurity, logger: Logger = silentLogger, heartbeat?: HeartbeatOptions) {
  const server = closeAfter(new Server("svc", { logger, security, ...(heartbeat ? { heartbeat } : {}) }));
  server.register("whoami", (context: CallContext) => context.identity ?? null, { withContext: true });
  server.register("echo", (value: unknown) => value);
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  return { server, endpoint };
}

/** A client of "svc" with `ping` registered; closed after the test. */
export function securedClient(endpoint: string, security: ClientSecurity | undefined, timeoutMs = 3_000, logger: Logger = silentLogger, heartbeat?: HeartbeatOptions) {
  const client = closeAfter(new Client("svc", { logger, timeoutMs, ...(security ? { security } : {}), ...(heartbeat ? { heartbeat } : {}) }));
  client.register("ping", () => "pong");
  client.connect(endpoint);
  return client;
}

export const trustedCurveServer: ServerSecurity = {
  plugin: "trusted_curve",
  keyPair: KEYS.server,
  clients: { alice: KEYS.alice.publicKey, admin: KEYS.admin.publicKey },
};

export const asTrustedCurve = (who: keyof typeof KEYS, serverKey = KEYS.server.publicKey): ClientSecurity => ({
  plugin: "trusted_curve",
  keyPair: KEYS[who],
  serverKey,
});
