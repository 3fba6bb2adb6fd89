import type { Logger } from "../logger.js";
import { SUBSCRIBE_METHOD, UNSUBSCRIBE_METHOD } from "../protocol/events.js";

/** What an event handler receives: the payload, as its server published it. */
export type EventHandler = (payload: unknown) => unknown;

/** What the subscriber needs of its client. */
export interface SubscriberHost {
  /** Calls a method of the server. */
  call(method: string, args: readonly unknown[]): Promise<unknown>;
  /** Whether the server is there now (between `server:connected` and `server:lost`). */
  isConnected(): boolean;
  /** Events the server dropped for this client (its queue was full), seen as a gap in their numbers. */
  missed(count: number): void;
  readonly logger: Logger;
}

/**
 * A client's events: its handlers by event name, its subscriptions (sent
 * again each time the server is back), and the order of what arrives: each
 * event carries its number in its server's stream for this client, so a
 * repeat (sent again after a reconnect) is dropped and a gap is counted.
 */
export class EventSubscriber {
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private stream: string | undefined;
  private lastSeq = 0;

  constructor(private readonly host: SubscriberHost) {}

  /** Adds a handler; returns what removes it. The first handler of a name subscribes to it. */
  subscribe(name: string, handler: EventHandler): () => void {
    let set = this.handlers.get(name);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(name, set);
      if (this.host.isConnected()) this.send(SUBSCRIBE_METHOD, [name]);
    }
    set.add(handler);
    return () => {
      if (!set.delete(handler) || set.size > 0) return;
      this.handlers.delete(name);
      if (this.host.isConnected()) this.send(UNSUBSCRIBE_METHOD, [name]);
    };
  }

  /** The server is there (again): subscribe to every name, so that it sends what it kept. */
  connected(): void {
    if (this.handlers.size > 0) this.send(SUBSCRIBE_METHOD, [...this.handlers.keys()]);
  }

  /** An event arrived (the `pseud.event` method): run its handlers unless it is a repeat. */
  deliver(name: string, payload: unknown, seq: number, stream: string): null {
    if (stream !== this.stream) {
      // A stream not seen before: the server (re)started it; its first event is 1, unless it dropped some.
      this.stream = stream;
      this.lastSeq = 0;
    }
    if (seq <= this.lastSeq) return null;
    if (seq > this.lastSeq + 1) this.host.missed(seq - this.lastSeq - 1);
    this.lastSeq = seq;
    for (const handler of this.handlers.get(name) ?? []) {
      try {
        const result = handler(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.host.logger.error("an event handler failed", { event: name, error }));
      } catch (error) {
        this.host.logger.error("an event handler threw", { event: name, error });
      }
    }
    return null;
  }

  private send(method: string, names: string[]): void {
    this.host.call(method, [names]).catch((error: unknown) => this.host.logger.warn("the server did not take this client's subscription", { method, names, error }));
  }
}
