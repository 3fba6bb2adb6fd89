import { EncodeError, UnauthorizedError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ControlMessage, Envelope, Guard, PeerControl, WorkMessage } from "../peer/guard.js";
import type { ClientPlugin } from "./plugin.js";
import { challengeOf } from "./prompt.js";

/** HELLOs one handshake sends before it gives up, as the reference's untrusted_curve client (twice). */
export const MAX_HELLO_RETRIES = 2;

/** The authentication under way: the id its HELLO carries, the challenge it answers, the refused calls that wait for it, and its HELLOs left. */
interface Handshake {
  readonly id: Buffer;
  readonly challenge: Uint8Array;
  readonly waiting: Buffer[];
  hellosLeft: number;
}

/**
 * The client side of authentication, as the reference's untrusted_curve
 * client does it: on UNAUTHORIZED, send HELLO with the refused message's id;
 * on AUTHENTICATED, send the refused WORK again, unchanged.
 *
 * One handshake serves every call: the server refuses each call made before
 * the connection is bound, and those refusals join the handshake under way
 * rather than each spending a HELLO. After {@link MAX_HELLO_RETRIES} HELLOs
 * that did not authenticate, the waiting calls fail with UnauthorizedError;
 * a call refused later starts a new handshake. Unlike the reference, whose
 * client gives up for its whole life: a login the server throttled for a
 * while must not stay locked out on this side. Without a plugin,
 * UNAUTHORIZED fails the call at once.
 */
export class ClientGuard implements Guard {
  private handshake: Handshake | undefined;

  constructor(
    private readonly plugin: ClientPlugin | undefined,
    private readonly routingId: string,
    private readonly peer: PeerControl,
    private readonly logger: Logger,
  ) {}

  admitWork(_envelope: Envelope, _message: WorkMessage): undefined {
    return undefined; // the server calling back: it is the server this client chose
  }

  control(envelope: Envelope, message: ControlMessage): void {
    switch (message.type) {
      case "UNAUTHORIZED":
        return this.unauthorized(envelope, message.id, message.text);
      case "AUTHENTICATED": {
        const handshake = this.handshake;
        if (handshake === undefined || !handshake.id.equals(message.id)) {
          this.logger.warn("AUTHENTICATED dropped: no HELLO of this client has its id", { text: message.text });
          return;
        }
        this.handshake = undefined;
        for (const id of handshake.waiting) this.peer.resend(id); // a prompt on connect has no call to send again
        return;
      }
      case "HELLO":
        this.logger.warn("message dropped: a client does not take HELLO", { type: message.type });
        return;
    }
  }

  badHello(): void {
    this.logger.warn("message dropped: a client does not take HELLO");
  }

  /** The connection to the server is gone: a HELLO on it will not be answered. */
  reset(): void {
    this.handshake = undefined;
  }

  private unauthorized(envelope: Envelope, id: Buffer, text: string): void {
    const plugin = this.plugin;
    if (plugin === undefined) {
      if (!this.peer.fail(id, new UnauthorizedError(text || "unauthorized"))) this.logger.warn("UNAUTHORIZED dropped: no pending call has its id", { text });
      return;
    }
    const handshake = this.handshake;
    if (handshake !== undefined && handshake.id.equals(id)) return this.helloRefused(envelope, plugin, handshake);
    const challenge = challengeOf(text);
    if (handshake !== undefined) {
      handshake.waiting.push(id);
      // Another challenge: the server speaks for a new connection, which the HELLO under way cannot bind.
      if (challenge.length > 0 && !Buffer.from(challenge).equals(handshake.challenge)) {
        this.start(envelope, plugin, { id, challenge, waiting: handshake.waiting, hellosLeft: MAX_HELLO_RETRIES });
      }
      return;
    }
    this.start(envelope, plugin, { id, challenge, waiting: [id], hellosLeft: MAX_HELLO_RETRIES });
  }

  private helloRefused(envelope: Envelope, plugin: ClientPlugin, handshake: Handshake): void {
    if (handshake.hellosLeft > 0) return this.sendHello(envelope, plugin, handshake);
    this.handshake = undefined;
    for (const waiting of handshake.waiting) this.peer.fail(waiting, new UnauthorizedError("Max authentication retries reached"));
  }

  private start(envelope: Envelope, plugin: ClientPlugin, handshake: Handshake): void {
    this.handshake = handshake;
    this.sendHello(envelope, plugin, handshake);
  }

  private sendHello(envelope: Envelope, plugin: ClientPlugin, handshake: Handshake): void {
    handshake.hellosLeft--;
    const [login, password] = plugin.hello(handshake.challenge, this.routingId);
    try {
      this.peer.send(envelope, { type: "HELLO", id: handshake.id, login, password });
    } catch (error) {
      // A HELLO that cannot go (credentials over limits.maxMessageSize): no answer will come, so its calls fail now.
      this.handshake = undefined;
      const why = error instanceof Error ? error.message : String(error);
      for (const waiting of handshake.waiting) this.peer.fail(waiting, new EncodeError(`the HELLO cannot be sent: ${why}`));
    }
  }
}
