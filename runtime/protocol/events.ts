/**
 * Events as an extension of pseud protocol v1 made only of ordinary WORK and
 * OK messages, so that no peer ever receives a frame it cannot parse (the
 * reference's receive loop dies on an unknown message type):
 *
 * - a client subscribes by calling the server's `pseud.subscribe([names])`
 *   (a reference server answers ServiceNotFoundError: it has no events), and
 *   again after each reconnect;
 * - the server delivers each event by calling the subscriber's
 *   `pseud.event(name, payload, seq)`; the subscriber answers OK at once.
 *
 * `seq` counts a subscriber's events from 1, with no gaps: a gap is events
 * its server dropped (its queue was full), a repeat is one sent again after
 * a reconnect. See PROTOCOL.md, "Extension: events".
 */

/** The server method a client subscribes with: args `[names: string[]]`. */
export const SUBSCRIBE_METHOD = "pseud.subscribe";
/** The server method a client unsubscribes with: args `[names: string[]]`. */
export const UNSUBSCRIBE_METHOD = "pseud.unsubscribe";
/** The client method an event arrives by: args `[name: string, payload, seq: number]`. */
export const EVENT_METHOD = "pseud.event";

/** Event names: what a subscription may name. */
export const MAX_EVENT_NAME_LENGTH = 256;
/** Names one subscription message may carry, and one subscriber may hold. */
export const MAX_SUBSCRIBED_NAMES = 256;

/** The names a subscription message carries, checked: every byte from the network is hostile. */
export function eventNames(value: unknown): string[] | string {
  if (!Array.isArray(value)) return "expected a list of event names";
  if (value.length > MAX_SUBSCRIBED_NAMES) return `at most ${MAX_SUBSCRIBED_NAMES} event names`;
  for (const name of value) {
    if (typeof name !== "string" || name === "" || name.length > MAX_EVENT_NAME_LENGTH) return `an event name is a string of 1 to ${MAX_EVENT_NAME_LENGTH} characters`;
  }
  return value as string[];
}
