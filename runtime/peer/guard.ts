import type { Message } from "../protocol/frames.js";

/** The ROUTER envelope a message came in, and its reply goes back in: with the empty delimiter or without. */
export type Envelope = readonly [routingId: Buffer] | readonly [routingId: Buffer, delimiter: Buffer];

/** A WORK message. */
export type WorkMessage = Extract<Message, { type: "WORK" }>;

/** The messages of authentication. */
export type ControlMessage = Extract<Message, { type: "HELLO" | "AUTHENTICATED" | "UNAUTHORIZED" }>;

/** What admitWork answers when the guard has refused (and answered) a WORK. */
export const REFUSED: unique symbol = Symbol("refused");

/**
 * The authentication layer between the socket and the dispatcher. Without
 * one, every peer is the same anonymous peer.
 */
export interface Guard {
  /** A WORK arrived: serve it as this identity (undefined: anonymous), or REFUSED when the guard answered it. */
  admitWork(envelope: Envelope, message: WorkMessage): string | undefined | typeof REFUSED;
  /** HELLO, AUTHENTICATED or UNAUTHORIZED arrived. */
  control(envelope: Envelope, message: ControlMessage): void;
  /** A HELLO arrived whose body does not decode, but whose id does. */
  badHello(envelope: Envelope, id: Buffer): void;
}

/** What a guard may do with the peer it guards. */
export interface PeerControl {
  /** Sends a message to a peer. */
  send(envelope: Envelope, message: Message): void;
  /** Sends a pending call's WORK again, unchanged; false when it is no longer pending. */
  resend(id: Buffer): boolean;
  /** Fails a pending call; false when it is no longer pending. */
  fail(id: Buffer, error: Error): boolean;
}
