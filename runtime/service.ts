import { type Caller, callArguments } from "./caller.js";
import type { ContextRegisterOptions } from "./endpoint.js";
import type { EventHandler } from "./events/subscriber.js";
import type { CallContext } from "./peer/call-context.js";
import type { CallOptions } from "./peer/rpc-peer.js";
import type { ContextHandler } from "./peer/registry.js";
import type { PublishOptions } from "./server.js";
import { type ParamValidator, validateArguments, validatePayload, validateResult, type Validator } from "./validation.js";

/**
 * What generated code describes a service with, and what the runtime builds
 * its typed faces from: the descriptor names every method by its wire name,
 * its parameters and validators, so generated files hold data and types,
 * and the code that calls, registers, publishes and subscribes lives here,
 * once. Names live in string keys: no schema name can clash with this code.
 */

/** One method: its wire name, its parameters in order with their validators, its result's validator (none for void), its domain. */
export interface MethodDescriptor {
  readonly wire: string;
  readonly params: readonly ParamValidator[];
  readonly returns?: Validator<unknown>;
  readonly domain?: string;
}

/** Methods by their name in code (`stringLower`). */
export type MethodDescriptors = Readonly<Record<string, MethodDescriptor>>;

/** One event: its wire name and its payload's validator. */
export interface EventDescriptor {
  readonly wire: string;
  readonly payload: Validator<unknown>;
}

/** Events by their name in code (`flockCounted`). */
export type EventDescriptors = Readonly<Record<string, EventDescriptor>>;

/** A service: its wire name, the methods its server offers, those its clients offer back, the events its server publishes. */
export interface ServiceDescriptor {
  readonly name: string;
  readonly methods: MethodDescriptors;
  readonly clientMethods: MethodDescriptors;
  readonly events: EventDescriptors;
}

/** What handlers are registered on: a Server, a Client or a ClientPool. */
export interface Registrar {
  register(name: string, handler: ContextHandler, options: ContextRegisterOptions): void;
}

/** What events are published on: a Server. */
export interface Publisher {
  publish(name: string, payload: unknown, options?: PublishOptions): number;
}

/** What events are subscribed on: a Client or a ClientPool. */
export interface Subscriber {
  subscribe(name: string, handler: EventHandler): () => void;
}

/** Where a stub keeps its caller: a symbol, so that no method name can reach it. */
const CALLER: unique symbol = Symbol("caller");

type Stub = { readonly [CALLER]: Caller };

/**
 * A class of typed stubs over a Caller, one method per descriptor entry:
 * `method(...params, callOptions?)` sends the call (a left-out optional
 * parameter left out on the wire; see callArguments) and validates the
 * reply. `T` is the generated interface that types it.
 */
export function stubClass<T>(methods: MethodDescriptors): new (caller: Caller) => T {
  class GeneratedStub {
    readonly [CALLER]: Caller;
    constructor(caller: Caller) {
      this[CALLER] = caller;
    }
  }
  for (const [name, method] of Object.entries(methods)) {
    const names = method.params.map(([param]) => param);
    const send = async function (this: Stub, ...values: unknown[]): Promise<unknown> {
      const [args, kwargs] = callArguments(names, values.slice(0, names.length));
      const result = await this[CALLER].call(method.wire, args, kwargs, values[names.length] as CallOptions | undefined);
      return method.returns === undefined ? undefined : validateResult(method.wire, method.returns, result);
    };
    Object.defineProperty(GeneratedStub.prototype, name, { value: send, writable: true, configurable: true });
  }
  // The generated interface types what was built here from the same descriptor.
  return GeneratedStub as unknown as new (caller: Caller) => T;
}

/**
 * Registers an implementation of every method of a descriptor on a server
 * (or a client, for the methods it offers back): arguments are validated
 * (defaults filled in) before the handler runs, and spread into it, with the
 * call context last.
 */
export function registerHandlers(endpoint: Registrar, methods: MethodDescriptors, handlers: object): void {
  const implementations = handlers as Readonly<Record<string, (...args: unknown[]) => unknown>>;
  for (const [name, method] of Object.entries(methods)) {
    const handler = implementations[name];
    if (typeof handler !== "function") throw new TypeError(`no handler for ${method.wire} (${name})`);
    endpoint.register(
      method.wire,
      (context: CallContext, ...args: unknown[]) => handler.call(handlers, ...validateArguments(method.wire, method.params, args), context),
      { withContext: true, params: method.params.map(([param]) => param), ...(method.domain === undefined ? {} : { domain: method.domain }) },
    );
  }
}

/** One `publish` per event of a descriptor, each payload validated before it leaves. `T` is the generated interface. */
export function eventPublishers<T>(server: Publisher, events: EventDescriptors): T {
  const out: Record<string, { publish(payload: unknown, options?: PublishOptions): number }> = {};
  for (const [name, event] of Object.entries(events)) {
    out[name] = { publish: (payload, options) => server.publish(event.wire, validatePayload(event.wire, event.payload, payload), options) };
  }
  return out as T;
}

/** One `subscribe` per event of a descriptor, each payload validated on receipt (an invalid one is logged, not handled). `T` is the generated interface. */
export function eventSubscriptions<T>(client: Subscriber, events: EventDescriptors): T {
  const out: Record<string, { subscribe(handler: (payload: unknown) => unknown): () => void }> = {};
  for (const [name, event] of Object.entries(events)) {
    out[name] = { subscribe: (handler) => client.subscribe(event.wire, (payload) => handler(validatePayload(event.wire, event.payload, payload))) };
  }
  return out as T;
}
