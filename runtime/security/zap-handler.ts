import type { Context } from "zeromq";
import { Router } from "zeromq";
import type { Logger } from "../logger.js";
import { z85Encode } from "../protocol/z85.js";
import { receiveLoop } from "../transport/receive-loop.js";

/** What a ZAP request says about a connecting peer (ZeroMQ RFC 27). */
export type ZapRequest =
  | { readonly mechanism: "NULL"; readonly address: string }
  | { readonly mechanism: "PLAIN"; readonly address: string; readonly username: string; readonly password: string }
  | { readonly mechanism: "CURVE"; readonly address: string; readonly publicKey: string };

/** A policy's answer: let the peer in (under a user id), or refuse it. */
export type ZapDecision = { readonly allow: true; readonly userId: string } | { readonly allow: false; readonly reason: string };

/** Decides who may connect. */
export type ZapPolicy = (request: ZapRequest) => ZapDecision | Promise<ZapDecision>;

const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
const VERSION = Buffer.from("1.0");

/**
 * The in-process ZAP handler of one ZeroMQ context: libzmq asks it about
 * every peer that completes a PLAIN or CURVE handshake on a socket of that
 * context. One handler per context, so each secured server gets a context of
 * its own.
 *
 * What the reference reads and zeromq.js cannot give: libzmq attaches the
 * user id a handler returns to every message as `User-Id` metadata, which
 * zeromq.js does not expose; and the request names the peer's address but
 * not its routing id. So the handler decides who may connect; who a routing
 * id is, is bound later by the HELLO exchange (see IdentityTable).
 */
export class ZapHandler {
  private readonly socket: Router;
  private closed = false;

  private constructor(
    context: Context,
    private readonly policy: ZapPolicy,
    private readonly logger: Logger,
  ) {
    this.socket = new Router({ context, linger: 0 });
  }

  /** Starts a handler on `context`. */
  static async start(context: Context, policy: ZapPolicy, logger: Logger): Promise<ZapHandler> {
    const handler = new ZapHandler(context, policy, logger);
    await handler.socket.bind(ZAP_ENDPOINT);
    // Answered concurrently: a slow policy (a database lookup) holds back no other handshake.
    void receiveLoop(handler.socket, () => handler.closed, (frames) => void handler.answer(frames), logger);
    return handler;
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }



  private async answer(frames: Buffer[]): Promise<void> {
    const delimiter = frames.findIndex((f) => f.length === 0);
    const envelope = frames.slice(0, delimiter + 1);
    const [version, requestId, _domain, address, _identity, mechanism, ...credentials] = frames.slice(delimiter + 1);
    let decision: ZapDecision;
    const request = version?.equals(VERSION) ? parseRequest(address, mechanism, credentials) : undefined;
    if (request === undefined) decision = { allow: false, reason: "malformed ZAP request" };
    else {
      try {
        decision = await this.policy(request);
      } catch (error) {
        this.logger.error("ZAP policy threw; the peer is refused", { error });
        decision = { allow: false, reason: "internal error" };
      }
    }
    if (!decision.allow) this.logger.warn("connection refused", { mechanism: request?.mechanism, address: request?.address, reason: decision.reason });
    const [code, text, user] = decision.allow ? ["200", "OK", decision.userId] : ["400", decision.reason, ""];
    try {
      await this.socket.send([...envelope, VERSION, requestId ?? Buffer.alloc(0), code, text, user, Buffer.alloc(0)]);
    } catch (error) {
      if (!this.closed) this.logger.error("ZAP reply failed", { error });
    }
  }
}

function parseRequest(address: Buffer | undefined, mechanism: Buffer | undefined, credentials: Buffer[]): ZapRequest | undefined {
  const from = address?.toString() ?? "";
  switch (mechanism?.toString()) {
    case "NULL":
      return { mechanism: "NULL", address: from };
    case "PLAIN":
      if (credentials.length !== 2) return undefined;
      return { mechanism: "PLAIN", address: from, username: (credentials[0] as Buffer).toString(), password: (credentials[1] as Buffer).toString() };
    case "CURVE":
      if (credentials.length !== 1 || credentials[0]?.length !== 32) return undefined;
      return { mechanism: "CURVE", address: from, publicKey: z85Encode(credentials[0]) };
    default:
      return undefined;
  }
}
