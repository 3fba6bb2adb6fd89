import { EventEmitter } from "node:events";
import type { Predicate } from "./peer/call-context.js";
import type { ContextHandler, Handler, RegisterOptions } from "./peer/registry.js";
import type { LoadSnapshot, RpcPeer } from "./peer/rpc-peer.js";

/** Registration options of a handler that takes the call context as its first argument. */
export interface ContextRegisterOptions extends RegisterOptions {
  readonly withContext: true;
}

/**
 * What a Server and a Client both offer: methods the other side may call,
 * domains and their predicates, events, close.
 */
// biome-ignore lint: EventEmitter's map type is the events' own.
export abstract class Endpoint<Events extends Record<keyof Events, unknown[]>> extends EventEmitter<Events> {
  protected abstract readonly peer: RpcPeer;

  /**
   * Registers a method the other side may call. A handler receives the
   * positional arguments; name its parameters in `options.params` to accept
   * keyword arguments; register `withContext: true` to receive the
   * {@link CallContext} (the caller's routing id and identity) first.
   */
  register(name: string, handler: Handler, options?: RegisterOptions): void;
  register(name: string, handler: ContextHandler, options: ContextRegisterOptions): void;
  register(name: string, handler: Handler | ContextHandler, options: RegisterOptions & { readonly withContext?: boolean } = {}): void {
    this.peer.registry.add(name, handler, options.withContext === true, options);
  }

  /** Removes a method, in every domain or only in `domain`; false when there was none. */
  unregister(name: string, domain?: string): boolean {
    return this.peer.registry.remove(name, domain);
  }

  /** Sets the predicate that admits callers to a domain's registrations. */
  setPredicate(domain: string, predicate: Predicate): void {
    this.peer.setPredicate(domain, predicate);
  }

  /** What this peer holds now (calls in flight, pending calls, queued messages), to compare with its limits. */
  load(): LoadSnapshot {
    return this.peer.load();
  }

  /** Fails pending calls with ClosedError and closes the socket. Idempotent. */
  close(): Promise<void> {
    return this.peer.close();
  }

  /** `await using client = new Client(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
