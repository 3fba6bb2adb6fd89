import { HandshakeError, UnauthorizedError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { RpcPeer } from "../peer/rpc-peer.js";
import type { ClientMechanism } from "../transport/mechanism.js";
import { ClientGuard } from "./client-guard.js";
import { type ClientSecurity, clientPlugin } from "./config.js";

/**
 * A client's security, assembled in one place from its config, as
 * {@link serverSecurity} is a server's: the socket option (the mechanism),
 * the guard that answers the server's prompt to authenticate, and what the
 * transport's handshake events mean for calls.
 */
export interface ClientSecurityLayer {
  /** What the ROUTER socket needs: its mechanism (absent without security). */
  readonly socket: { readonly mechanism?: ClientMechanism };
  /** Why the last security handshake failed: new calls fail with it until a handshake succeeds. */
  readonly failure: Error | undefined;
  /**
   * Puts the guard between the peer and its dispatcher, and follows the
   * socket's handshakes: a failed one fails every pending call with
   * UnauthorizedError (credentials refused) or HandshakeError (anything else).
   */
  attach(peer: RpcPeer): void;
}

/** Connection errors that end a handshake without security (ZMTP's NULL mechanism) when the connection drops. */
const TRANSIENT: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTCONN"]);

/** The layer for a config; throws TypeError or KeyError for a config that cannot be used (see config.ts). */
export function clientSecurity(config: ClientSecurity | undefined, routingId: string, logger: Logger): ClientSecurityLayer {
  const plugin = clientPlugin(config);
  let failure: Error | undefined;
  return {
    socket: plugin === undefined ? {} : { mechanism: plugin.mechanism },
    get failure() {
      return failure;
    },
    attach(peer) {
      const guard = new ClientGuard(plugin, routingId, peer, logger);
      peer.setGuard(guard);
      const failed = (error: Error) => {
        failure = error;
        peer.failAllCalls(() => error);
      };
      peer.socket.onEvent("handshake", () => {
        failure = undefined;
      });
      peer.socket.onEvent("disconnect", () => guard.reset());
      peer.socket.onEvent("handshake:error:auth", (event) =>
        failed(new UnauthorizedError(`the server refused this client's credentials (ZAP status ${event.error.status ?? "?"})`)),
      );
      for (const type of ["handshake:error:protocol", "handshake:error:other"] as const) {
        peer.socket.onEvent(type, (event) => {
          // Without security, a connection that dropped mid-handshake (a server restarting, a network blip) says
          // nothing about keys or plugins: ZeroMQ reconnects. (Under CURVE a wrong server key looks the same — the
          // server drops the connection — so there it fails the calls, until a handshake succeeds.)
          if (plugin === undefined && type === "handshake:error:other" && TRANSIENT.has(String(event.error.code))) return;
          failed(new HandshakeError(`the security handshake with the server failed (${event.error.code}): are the server's public key and plugin right?`));
        });
      }
    },
  };
}
