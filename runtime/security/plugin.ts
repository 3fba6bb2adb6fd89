import type { Credential } from "../protocol/frames.js";
import type { ClientMechanism, ServerMechanism } from "../transport/mechanism.js";
import type { THROTTLED } from "./guess-limiter.js";
import type { ZapPolicy } from "./zap-handler.js";

/** The authentication plugins, by the reference's names. */
export type PluginName = "none" | "plain" | "trusted_peer" | "trusted_curve" | "untrusted_curve";

/** A HELLO as the server's plugin sees it. */
export interface Hello {
  readonly login: Credential;
  readonly password: Credential;
  /** The routing id it came from: a proof may be bound to it. */
  readonly routingId: Buffer;
  /** The challenge the server sent this connection with its UNAUTHORIZED. */
  readonly challenge: Uint8Array;
}

/** What a HELLO proved: an identity, nothing (bad credentials), or nothing yet (THROTTLED: not checked, too many recent failures). */
export type HelloVerdict = string | undefined | typeof THROTTLED;

/**
 * The server half of an authentication plugin: how the socket is secured,
 * who ZAP lets connect, and how a HELLO proves an identity.
 *
 * An implementation must return an identity from `verifyHello` only for
 * credentials that prove it; a HELLO may come from anyone who connected.
 */
export interface ServerPlugin {
  readonly name: PluginName;
  readonly mechanism: ServerMechanism;
  readonly zap: ZapPolicy;
  /**
   * Who must bind an identity before their WORK is served: everyone (the
   * reference's untrusted_curve), or only pseud clients, which answer the
   * prompt (a Python plain, trusted_peer or trusted_curve client never
   * answers UNAUTHORIZED: its calls are served as an anonymous peer that ZAP
   * let in).
   */
  readonly binding: "everyone" | "pseud-clients";
  /** The identity these credentials prove, undefined, or THROTTLED. */
  verifyHello(hello: Hello): Promise<HelloVerdict>;
  close(): void;
}

/** The client half: how the socket is secured, and what HELLO answers the server's UNAUTHORIZED. */
export interface ClientPlugin {
  readonly name: PluginName;
  readonly mechanism: ClientMechanism;
  /** The HELLO body; `challenge` is what the server's UNAUTHORIZED carried (empty from a reference server). */
  hello(challenge: Uint8Array, routingId: string): readonly [Credential, Credential];
}
