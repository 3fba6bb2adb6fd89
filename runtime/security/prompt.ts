/**
 * How a pseud server asks a client to authenticate: pseud clients mark their
 * routing ids, so only they are prompted as soon as they connect; the prompt
 * (UNAUTHORIZED) carries a per-connection challenge that a reference client
 * ignores and a trusted_curve proof binds to.
 */

/** A pseud client's routing id starts with this. */
export const PSEUD_CLIENT_MARK = "pseud:";

const CHALLENGE_PREFIX = "challenge=";

/** Whether a routing id is a pseud client's. */
export function isPseudClient(routingId: Buffer): boolean {
  return routingId.length > PSEUD_CLIENT_MARK.length && routingId.toString("latin1", 0, PSEUD_CLIENT_MARK.length) === PSEUD_CLIENT_MARK;
}

/** The text of the prompt: the reference's words, then the challenge. */
export function promptText(challenge: Buffer): string {
  return `Authentication Required ${CHALLENGE_PREFIX}${challenge.toString("base64")}`;
}

/** The challenge an UNAUTHORIZED carries; empty when it has none (a reference server's). */
export function challengeOf(text: string): Uint8Array {
  const at = text.indexOf(CHALLENGE_PREFIX);
  if (at === -1) return new Uint8Array(0);
  return new Uint8Array(Buffer.from(text.slice(at + CHALLENGE_PREFIX.length).trim(), "base64"));
}
