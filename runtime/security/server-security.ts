import { Context } from "zeromq";
import type { Logger } from "../logger.js";
import type { PeerControl } from "../peer/guard.js";
import type { ServerMechanism } from "../transport/mechanism.js";
import { type ServerSecurity, serverPlugin } from "./config.js";
import type { ServerPlugin } from "./plugin.js";
import { ServerGuard } from "./server-guard.js";
import { ZapHandler } from "./zap-handler.js";

/**
 * A server's security, assembled in one place from its config: the socket
 * options (a ZeroMQ context of its own, for its own ZAP handler, and the
 * mechanism), the guard between socket and dispatcher, the ZAP handler
 * (started with the first bind), and closing them. A server without
 * security gets {@link NO_SECURITY}.
 */
export interface ServerSecurityLayer {
  /** What the ROUTER socket needs: its context and mechanism (both absent without security). */
  readonly socket: { readonly context?: Context; readonly mechanism?: ServerMechanism };
  /** Whether a connection is no one until it authenticates (untrusted_curve). */
  readonly mustAuthenticate: boolean;
  /** Puts the guard between the peer and its dispatcher; `onBound` hears each identity bound. */
  guard(peer: PeerControl & { setGuard(guard: ServerGuard): void }, onBound: (routingId: Buffer) => void): ServerGuard | undefined;
  /** Starts what must run before the socket binds (the ZAP handler); idempotent. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The layer for a config; throws TypeError or KeyError for a config that cannot be used (see config.ts). */
export function serverSecurity(config: ServerSecurity | undefined, logger: Logger): ServerSecurityLayer {
  const plugin = serverPlugin(config);
  return plugin === undefined ? NO_SECURITY : securedBy(plugin, logger);
}

/** No encryption, no authentication: every peer is the same anonymous peer. */
export const NO_SECURITY: ServerSecurityLayer = {
  socket: {},
  mustAuthenticate: false,
  guard: () => undefined,
  start: async () => {},
  close: async () => {},
};

function securedBy(plugin: ServerPlugin, logger: Logger): ServerSecurityLayer {
  // A ZAP handler serves one context: a secured server gets a context of its own.
  const context = new Context();
  let zap: Promise<ZapHandler> | undefined;
  return {
    socket: { context, mechanism: plugin.mechanism },
    mustAuthenticate: plugin.binding === "everyone",
    guard(peer, onBound) {
      const guard = new ServerGuard(plugin, peer, logger, onBound);
      peer.setGuard(guard);
      return guard;
    },
    async start() {
      zap ??= ZapHandler.start(context, plugin.zap, logger);
      await zap;
    },
    async close() {
      plugin.close();
      (await zap)?.close();
    },
  };
}
