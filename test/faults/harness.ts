import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventEmitter } from "node:events";
import { type HeartbeatOptions, type PeerInfo, Server, silentLogger } from "pseud";
import { afterThisTest } from "../helpers.js";
import { startChild } from "../liveness/child.js";
import { asTrustedCurve, securedClient, securedServer, trustedCurveServer } from "../security/secured.js";

/** Fast heartbeats, as in test/liveness: a stopped peer is found within a few hundred ms. */
export const heartbeat = { plugin: "interval", intervalMs: 100, maxMissed: 2 } as const;

/** An ipc:// endpoint in a temporary directory of its own, removed after the test. */
export function ipcEndpoint(): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-faults-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return `ipc://${join(dir, "svc.sock")}`;
}

/** A trusted_curve client "alice" in this process, with fast heartbeats and a long call timeout. */
export function aliceAt(endpoint: string, heartbeats: HeartbeatOptions = heartbeat) {
  return securedClient(endpoint, asTrustedCurve("alice"), 30_000, silentLogger, heartbeats);
}

/** A trusted_curve server in this process, with fast heartbeats, bound to `endpoint`. */
export async function serverAt(endpoint: string, logger = silentLogger, heartbeats: HeartbeatOptions = heartbeat): Promise<Server> {
  const { server } = await securedServer(trustedCurveServer, logger, heartbeats);
  await server.bind(endpoint);
  return server;
}

/** A trusted_curve server in a child process, ready. */
export async function childServer(endpoint: string) {
  const child = startChild("server", endpoint, { security: trustedCurveServer, heartbeat });
  await child.event("ready");
  return child;
}

/** A trusted_curve client "alice" in a child process, once the server has authenticated it. */
export async function childClient(server: Server, endpoint: string) {
  const authenticated = next(server, "peer:authenticated");
  const child = startChild("client", endpoint, { security: asTrustedCurve("alice"), heartbeat });
  await child.event("ready");
  const [peer] = (await authenticated) as [PeerInfo];
  return { child, peer };
}

/** The arguments of an emitter's next event of this name. */
export function next(emitter: EventEmitter, name: string): Promise<unknown[]> {
  return new Promise((resolve) => emitter.once(name, (...args: unknown[]) => resolve(args)));
}
