import { randomBytes } from "node:crypto";
import type { Logger } from "../logger.js";
import { type ControlMessage, type Envelope, type Guard, type PeerControl, REFUSED, type WorkMessage } from "../peer/guard.js";
import { newMessageId } from "../protocol/message-id.js";
import { IdentityTable } from "./identity-table.js";
import { THROTTLED } from "./guess-limiter.js";
import type { HelloVerdict, ServerPlugin } from "./plugin.js";
import { isPseudClient, promptText } from "./prompt.js";

/**
 * HELLOs one connection may have waiting for their check or in it; more are
 * dropped, logged once per connection, so a flood holds no more than this.
 * Guessing itself is limited per login by the plugin (GuessLimiter), whatever
 * the connection: a budget per connection would start again with each new
 * one, and the server cannot even tell when a connection is new (an empty
 * frame looks like a reconnect).
 */
export const MAX_PENDING_HELLOS = 5;

/** The answer to a HELLO that was not checked because its login has failed too often lately (see GuessLimiter). */
const THROTTLED_TEXT = "Authentication Error: too many failed attempts; retry later";

type HelloMessage = Extract<ControlMessage, { type: "HELLO" }>;

/**
 * The server side of authentication: refuses WORK from peers that must bind
 * an identity and have not (UNAUTHORIZED, as the reference), verifies HELLO
 * through the plugin, binds routing ids to identities, forgets a binding when
 * its connection goes, and prompts pseud clients as soon as they connect so
 * that `sendTo(identity)` works before they call.
 */
export class ServerGuard implements Guard {
  readonly identities = new IdentityTable();
  private readonly connections = new Map<string, ConnectionState>();

  constructor(
    private readonly plugin: ServerPlugin,
    private readonly peer: PeerControl,
    private readonly logger: Logger,
    private readonly onBound: (routingId: Buffer, identity: string) => void,
  ) {}

  /** A connection is up: prompt a pseud client to authenticate at once. */
  connected(routingId: Buffer): void {
    if (isPseudClient(routingId)) this.prompt([routingId, Buffer.alloc(0)], newMessageId());
  }

  /** A connection went: forget who it was. */
  disconnected(routingId: Buffer): void {
    this.identities.forget(routingId);
    this.connections.delete(routingId.toString("latin1"));
  }

  admitWork(envelope: Envelope, message: WorkMessage): string | undefined | typeof REFUSED {
    const identity = this.identities.identityOf(envelope[0]);
    if (identity !== undefined) return identity;
    if (this.plugin.binding === "everyone" || isPseudClient(envelope[0])) {
      this.prompt(envelope, message.id);
      return REFUSED;
    }
    return undefined; // a peer ZAP let in that does not speak HELLO: served, anonymously
  }

  control(envelope: Envelope, message: ControlMessage): void {
    if (message.type !== "HELLO") {
      this.logger.warn("message dropped: a server does not take it", { peer: envelope[0], type: message.type });
      return;
    }
    const state = this.state(envelope[0]);
    if (state.pending >= MAX_PENDING_HELLOS) {
      if (!state.floodLogged) this.logger.warn("HELLO flood: further HELLOs on this connection are dropped while its HELLOs are checked", { peer: envelope[0] });
      state.floodLogged = true;
      return;
    }
    state.pending++;
    // One HELLO at a time per connection: a HELLO sent while another is checked would otherwise be answered
    // by whether its own credentials are right, even once the first has bound the connection.
    state.hellos = state.hellos
      .then(() => this.hello(envelope, message, state))
      .catch((error: unknown) => this.logger.error("HELLO not answered: the guard failed", { peer: envelope[0], error }))
      .finally(() => {
        state.pending--;
      });
  }

  private async hello(envelope: Envelope, message: HelloMessage, state: ConnectionState): Promise<void> {
    const routingId = envelope[0];
    if (!this.isCurrent(routingId, state)) return; // gone before its turn
    const bound = this.identities.identityOf(routingId);
    if (bound !== undefined) {
      // Not checked, and the same answer whatever it carries: it tells nothing about another login's password.
      this.logger.warn("HELLO refused", { peer: routingId, reason: "already authenticated", bound });
      this.peer.send(envelope, { type: "UNAUTHORIZED", id: message.id, text: `Authentication Error: already authenticated as ${bound}` });
      return;
    }
    let verdict: HelloVerdict;
    try {
      verdict = await this.plugin.verifyHello({ login: message.login, password: message.password, routingId, challenge: state.challenge });
    } catch (error) {
      this.logger.error("authentication plugin threw; the HELLO is refused", { error });
      verdict = undefined;
    }
    // The answer is for the connection that sent the HELLO, not for whichever holds its routing id now:
    // if that one went while the check ran, a newcomer may have taken the routing id over.
    if (!this.isCurrent(routingId, state)) {
      this.logger.warn("HELLO result dropped: its connection went while it was checked", { peer: routingId });
      return;
    }
    if (typeof verdict === "string") {
      this.identities.bind(routingId, verdict);
      this.peer.send(envelope, { type: "AUTHENTICATED", id: message.id, text: `Welcome b'${verdict}'` });
      this.onBound(routingId, verdict);
      return;
    }
    const throttled = verdict === THROTTLED;
    this.logger.warn("HELLO refused", { peer: routingId, reason: throttled ? "too many failed attempts" : "bad credentials" });
    this.peer.send(envelope, { type: "UNAUTHORIZED", id: message.id, text: throttled ? THROTTLED_TEXT : "Authentication Error" });
  }

  badHello(envelope: Envelope, id: Buffer): void {
    this.peer.send(envelope, { type: "UNAUTHORIZED", id, text: "Authentication Error: HELLO must be [login, password]" });
  }

  /** The routing id an identity's most recent connection has. */
  routingIdOf(identity: string): Buffer | undefined {
    return this.identities.routingIdOf(identity);
  }

  /** UNAUTHORIZED "Authentication Required", with this connection's challenge (a reference client ignores it). */
  private prompt(envelope: Envelope, id: Buffer): void {
    const { challenge } = this.state(envelope[0]);
    this.peer.send(envelope, { type: "UNAUTHORIZED", id, text: promptText(challenge) });
  }

  private state(routingId: Buffer): ConnectionState {
    const key = routingId.toString("latin1");
    let state = this.connections.get(key);
    if (state === undefined) this.connections.set(key, (state = { challenge: randomBytes(32), pending: 0, floodLogged: false, hellos: Promise.resolve() }));
    return state;
  }

  /** Whether this state is still its routing id's: the connection it was made for has not gone. */
  private isCurrent(routingId: Buffer, state: ConnectionState): boolean {
    return this.connections.get(routingId.toString("latin1")) === state;
  }
}

/**
 * What the guard keeps per connection: its challenge and its HELLOs.
 * One object per connection, never reused: a HELLO's check holds the one it
 * came on, and its result applies only while that one is still current.
 */
interface ConnectionState {
  readonly challenge: Buffer;
  /** HELLOs waiting for their check or in it. */
  pending: number;
  floodLogged: boolean;
  /** The HELLOs of this connection, checked one after the other. */
  hellos: Promise<void>;
}
