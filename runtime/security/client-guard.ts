import { UnauthorizedError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ControlMessage, Envelope, Guard, PeerControl, WorkMessage } from "../peer/guard.js";
import type { ClientPlugin } from "./plugin.js";
import { challengeOf } from "./prompt.js";

/** HELLOs a client sends in a row without being authenticated, as the reference's untrusted_curve client. */
export const MAX_HELLO_RETRIES = 2;

/**
 * The client side of authentication, as the reference's untrusted_curve
 * client does it: on UNAUTHORIZED, send HELLO with the refused message's id;
 * on AUTHENTICATED, send the refused WORK again, unchanged. After
 * {@link MAX_HELLO_RETRIES} HELLOs in a row that did not authenticate, the
 * refused call fails with UnauthorizedError. Without a plugin, UNAUTHORIZED
 * fails the call at once.
 */
export class ClientGuard implements Guard {
  private retriesLeft = MAX_HELLO_RETRIES;

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
      case "UNAUTHORIZED": {
        if (this.plugin === undefined) {
          if (!this.peer.fail(message.id, new UnauthorizedError(message.text || "unauthorized")))
            this.logger.warn("UNAUTHORIZED dropped: no pending call has its id", { text: message.text });
          return;
        }
        if (this.retriesLeft <= 0) {
          this.peer.fail(message.id, new UnauthorizedError("Max authentication retries reached"));
          return;
        }
        this.retriesLeft--;
        const [login, password] = this.plugin.hello(challengeOf(message.text), this.routingId);
        this.peer.send(envelope, { type: "HELLO", id: message.id, login, password });
        return;
      }
      case "AUTHENTICATED":
        this.retriesLeft = MAX_HELLO_RETRIES;
        this.peer.resend(message.id); // a prompt on connect has no call to send again
        return;
      case "HELLO":
        this.logger.warn("message dropped: a client does not take HELLO", { type: message.type });
        return;
    }
  }

  badHello(): void {
    this.logger.warn("message dropped: a client does not take HELLO");
  }
}
