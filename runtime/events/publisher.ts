import { randomBytes } from "node:crypto";
import { ServiceNotFoundError } from "../errors.js";
import type { Logger } from "../logger.js";
import { LazyMap } from "../peer/lazy-map.js";
import { MAX_SUBSCRIBED_NAMES } from "../protocol/events.js";

/** How many events a server holds for its subscribers, and how long; each has a default below. */
export interface EventLimits {
  /**
   * Events queued for one subscriber that cannot take them now (it is
   * disconnected, or has `maxEventsInFlight` unanswered): beyond it the
   * oldest queued event is dropped and counted, and the subscriber sees a gap
   * in the events' sequence numbers. Default 1,000.
   */
  readonly maxQueuedEvents: number;
  /** Events sent to one subscriber and not yet answered. Default 100. */
  readonly maxEventsInFlight: number;
  /**
   * Events sent to all subscribers together and not yet answered. Each is a
   * call awaiting its reply, so this bound, well under the server's
   * `maxPendingCalls` (10,000), keeps subscribers that never answer from
   * crowding out the server's own calls. Default 2,000.
   */
  readonly maxEventsInFlightTotal: number;
  /** How long a disconnected subscriber's queue waits for it to come back, in ms. Default 60,000. */
  readonly retentionMs: number;
  /** Disconnected subscribers kept at once; beyond it the one gone longest is forgotten. Default 1,000. */
  readonly maxRetainedSubscribers: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxQueuedEvents: 1_000,
  maxEventsInFlight: 100,
  maxEventsInFlightTotal: 2_000,
  retentionMs: 60_000,
  maxRetainedSubscribers: 1_000,
};

/** What a server's events hold now, and what they dropped since it started. */
export interface EventStats {
  /** Subscribers known: connected, and disconnected within their retention. */
  readonly subscribers: number;
  readonly connected: number;
  /** Events waiting in queues, and sent but unanswered. */
  readonly queued: number;
  readonly inFlight: number;
  /** Events dropped because a queue was full, or with a subscriber forgotten. */
  readonly dropped: number;
}

/** One event on its way to one subscriber. */
interface Pending {
  readonly name: string;
  readonly payload: unknown;
  readonly seq: number;
}

/** A subscriber: one client connection's subscriptions and its queue, kept while it is away. */
interface Subscriber {
  readonly routingId: Buffer;
  /** Who it authenticated as when it subscribed; a connection under its routing id that is someone else gets none of its events. */
  readonly identity: string | undefined;
  /** This subscriber's sequence of events, named so that a client tells a new one (a restarted server) from a repeat. */
  readonly stream: string;
  readonly names: Set<string>;
  connected: boolean;
  goneAt: number;
  readonly queue: Pending[];
  /** Events sent and not yet acknowledged, by sequence number: one set and one delete per event, hence a LazyMap. */
  readonly inFlight: LazyMap<number, Pending>;
  nextSeq: number;
}

/** What the publisher needs of its server. */
export interface PublisherHost {
  /** Calls the subscriber's event method with `[name, payload, seq, stream]`. */
  deliver(routingId: Buffer, args: readonly unknown[]): Promise<unknown>;
  readonly logger: Logger;
}

/**
 * A server's events: who subscribed to what, and each subscriber's queue.
 * Events go to a connected subscriber at once, up to `maxEventsInFlight`
 * unanswered; the rest wait in its queue, bounded, oldest dropped first.
 * When its connection goes, its unanswered events go back to the front of
 * its queue, and it keeps them for `retentionMs`: a client that comes back
 * (re-subscribing under the same routing id and identity) gets them, in
 * order; its sequence numbers let it drop repeats and count gaps.
 */
export class EventPublisher {
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly limits: EventLimits;
  private readonly sweeper: NodeJS.Timeout;
  private dropped = 0;
  /** Deliveries not yet settled, whoever they were for (see maxEventsInFlightTotal). */
  private outstanding = 0;
  /** Subscribers with events to send that waited for room under maxEventsInFlightTotal. */
  private readonly stalled = new Set<Subscriber>();

  constructor(
    private readonly host: PublisherHost,
    limits: Partial<EventLimits> = {},
  ) {
    this.limits = { ...DEFAULT_EVENT_LIMITS, ...limits };
    for (const [key, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`events.${key} must be a whole number ≥ 1; got ${String(value)}`);
    }
    this.sweeper = setInterval(() => this.forgetExpired(), Math.min(this.limits.retentionMs, 10_000));
    this.sweeper.unref();
  }

  /** A connection subscribed to `names`: start (or resume) sending to it. */
  subscribe(routingId: Buffer, identity: string | undefined, names: readonly string[]): void {
    const key = routingId.toString("latin1");
    let subscriber = this.subscribers.get(key);
    if (subscriber !== undefined && subscriber.identity !== undefined && subscriber.identity !== identity) {
      this.host.logger.warn("a subscriber's routing id came back as someone else: its queued events are dropped", { peer: routingId, identity });
      this.forget(key, subscriber);
      subscriber = undefined;
    }
    if (subscriber === undefined) {
      subscriber = {
        routingId: Buffer.from(routingId),
        identity,
        stream: randomBytes(8).toString("base64url"),
        names: new Set(),
        connected: true,
        goneAt: 0,
        queue: [],
        inFlight: new LazyMap(this.limits.maxEventsInFlight), // at most twice maxEventsInFlight entries per subscriber
        nextSeq: 1,
      };
      this.subscribers.set(key, subscriber);
    }
    for (const name of names) {
      if (subscriber.names.size >= MAX_SUBSCRIBED_NAMES && !subscriber.names.has(name)) break;
      subscriber.names.add(name);
    }
    subscriber.connected = true;
    this.pump(subscriber);
  }

  unsubscribe(routingId: Buffer, names: readonly string[]): void {
    const subscriber = this.subscribers.get(routingId.toString("latin1"));
    for (const name of names) subscriber?.names.delete(name);
  }

  /** The connection went (or fell silent): keep its events for its return. */
  disconnected(routingId: Buffer): void {
    const subscriber = this.subscribers.get(routingId.toString("latin1"));
    if (subscriber === undefined || !subscriber.connected) return;
    subscriber.connected = false;
    subscriber.goneAt = Date.now();
    this.requeueInFlight(subscriber);
    this.limitRetained();
  }

  /**
   * Publishes an event to every subscriber of `name`, or only to those whose
   * routing id or identity is `to`. Returns how many subscribers it went to
   * (sent, or queued for later).
   */
  publish(name: string, payload: unknown, to?: Uint8Array | string): number {
    let count = 0;
    for (const subscriber of this.subscribers.values()) {
      if (!subscriber.names.has(name) || !addressedTo(subscriber, to)) continue;
      count++;
      this.enqueue(subscriber, { name, payload, seq: subscriber.nextSeq++ });
      this.pump(subscriber);
    }
    return count;
  }

  stats(): EventStats {
    let connected = 0;
    let queued = 0;
    let inFlight = 0;
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.connected) connected++;
      queued += subscriber.queue.length;
      inFlight += subscriber.inFlight.size;
    }
    return { subscribers: this.subscribers.size, connected, queued, inFlight, dropped: this.dropped };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.subscribers.clear();
    this.stalled.clear();
  }

  private enqueue(subscriber: Subscriber, event: Pending): void {
    subscriber.queue.push(event);
    this.trim(subscriber);
  }

  /** Drops the oldest queued events beyond the bound, counting them. */
  private trim(subscriber: Subscriber): void {
    const excess = subscriber.queue.length - this.limits.maxQueuedEvents;
    if (excess <= 0) return;
    subscriber.queue.splice(0, excess);
    this.dropped += excess;
  }

  /** Sends queued events while the subscriber is connected and there is room in flight, its own and all subscribers'. */
  private pump(subscriber: Subscriber): void {
    while (subscriber.connected && subscriber.inFlight.size < this.limits.maxEventsInFlight && subscriber.queue.length > 0) {
      if (this.outstanding >= this.limits.maxEventsInFlightTotal) {
        this.stalled.add(subscriber);
        return;
      }
      const event = subscriber.queue.shift() as Pending;
      subscriber.inFlight.set(event.seq, event);
      this.outstanding++;
      this.host
        .deliver(subscriber.routingId, [event.name, event.payload, event.seq, subscriber.stream])
        .then(
          () => {
            subscriber.inFlight.delete(event.seq);
            this.pump(subscriber);
          },
          (error: unknown) => this.failed(subscriber, error),
        )
        .finally(() => this.settled());
    }
  }

  /** A delivery settled: room for a subscriber that waited for it. */
  private settled(): void {
    this.outstanding--;
    for (const waiting of this.stalled) {
      if (this.outstanding >= this.limits.maxEventsInFlightTotal) return;
      this.stalled.delete(waiting);
      if (this.subscribers.get(waiting.routingId.toString("latin1")) === waiting) this.pump(waiting);
    }
  }

  /** A delivery failed: the peer has no events (forget it), or it is unreachable now (keep the event for its return). */
  private failed(subscriber: Subscriber, error: unknown): void {
    const key = subscriber.routingId.toString("latin1");
    if (this.subscribers.get(key) !== subscriber) return; // forgotten meanwhile
    if (error instanceof ServiceNotFoundError) {
      this.host.logger.warn("a subscriber takes no events (no pseud.event method): it is unsubscribed", { peer: subscriber.routingId });
      this.forget(key, subscriber);
      return;
    }
    // Lost, unreachable or stalled: it gets its events again when it subscribes again (after a reconnect, or its return from silence).
    this.disconnected(subscriber.routingId);
  }

  private requeueInFlight(subscriber: Subscriber): void {
    const unanswered = Array.from(subscriber.inFlight, ([, event]) => event).sort((a, b) => a.seq - b.seq);
    subscriber.inFlight.clear();
    subscriber.queue.unshift(...unanswered);
    this.trim(subscriber);
  }

  private forget(key: string, subscriber: Subscriber): void {
    this.dropped += subscriber.queue.length + subscriber.inFlight.size;
    this.subscribers.delete(key);
    this.stalled.delete(subscriber);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, subscriber] of this.subscribers) {
      if (!subscriber.connected && now - subscriber.goneAt >= this.limits.retentionMs) this.forget(key, subscriber);
    }
  }

  private limitRetained(): void {
    const gone = [...this.subscribers].filter(([, s]) => !s.connected);
    if (gone.length <= this.limits.maxRetainedSubscribers) return;
    gone.sort(([, a], [, b]) => a.goneAt - b.goneAt);
    for (const [key, subscriber] of gone.slice(0, gone.length - this.limits.maxRetainedSubscribers)) this.forget(key, subscriber);
  }
}

function addressedTo(subscriber: Subscriber, to: Uint8Array | string | undefined): boolean {
  if (to === undefined) return true;
  return typeof to === "string" ? subscriber.identity === to : subscriber.routingId.equals(to);
}
