/**
 * The schema API: what a Zod schema module imports (`pseud-gen/schema`) to
 * declare services. `pseud gen` reads the module's exports: every
 * {@link service} becomes a service, every other exported Zod schema a named
 * type that methods may share.
 *
 * ```ts
 * import { z } from "zod";
 * import { method, service } from "pseud-gen/schema";
 *
 * export const Point = z.object({ x: z.number(), y: z.number() });
 * export const geometry = service("geometry", {
 *   methods: {
 *     "point.move": method({ params: { p: Point, dx: z.number() }, returns: Point }),
 *   },
 * });
 * ```
 */
import { z } from "zod";
import { callerLocation, type DeclaredAt } from "./caller-location.js";

/** Marks the objects this API makes, across module instances (the CLI and a schema may load two copies). */
export const METHOD_MARK: unique symbol = Symbol.for("pseud.schema.method") as never;
export const SERVICE_MARK: unique symbol = Symbol.for("pseud.schema.service") as never;
export const BYTES_MARK: unique symbol = Symbol.for("pseud.schema.bytes") as never;
export const EVENT_MARK: unique symbol = Symbol.for("pseud.schema.event") as never;

/** The parameters of a method, in order: their names are the keyword-argument names on the wire. */
export type Params = Readonly<Record<string, z.ZodType>>;

/** What a method is made of. */
export interface MethodSpec<P extends Params = Params, R extends z.ZodType = z.ZodType> {
  /** Ordered named parameters; optional (`.optional()`) and defaulted (`.default()`) ones last. */
  readonly params: P;
  /** The return type; `z.void()` for none. */
  readonly returns: R;
  /** Documentation, copied into the generated code. */
  readonly doc?: string;
  /** The predicate domain whose callers may reach it; `"default"` (everyone) unless set. */
  readonly domain?: string;
  /** The error class names it may raise (`ZeroDivisionError`…), a contract for callers. */
  readonly errors?: readonly string[];
}

/** A method declared with {@link method}. */
export interface MethodDefinition<P extends Params = Params, R extends z.ZodType = z.ZodType> {
  readonly [METHOD_MARK]: true;
  readonly spec: MethodSpec<P, R>;
  readonly declaredAt: DeclaredAt | undefined;
}

/** What an event is made of. */
export interface EventSpec<T extends z.ZodType = z.ZodType> {
  /** What each event carries, validated on publishing and on receipt. */
  readonly payload: T;
  /** Documentation, copied into the generated code. */
  readonly doc?: string;
}

/** An event declared with {@link event}. */
export interface EventDefinition<T extends z.ZodType = z.ZodType> {
  readonly [EVENT_MARK]: true;
  readonly spec: EventSpec<T>;
  readonly declaredAt: DeclaredAt | undefined;
}

/** A service's events, by dotted wire name (`"sheep.counted"`). */
export type Events = Readonly<Record<string, EventDefinition>>;

/** A service's methods, by dotted wire name (`"string.lower"`). */
export type Methods = Readonly<Record<string, MethodDefinition>>;

/** What a service is made of. */
export interface ServiceSpec {
  /** Documentation, copied into the generated code. */
  readonly doc?: string;
  /** The methods the server offers. */
  readonly methods: Methods;
  /** The methods a connected client offers the server (`server.sendTo(client)`). */
  readonly clientMethods?: Methods;
  /** The events the server publishes to subscribed clients. */
  readonly events?: Events;
}

/** A service declared with {@link service}. */
export interface ServiceDefinition {
  readonly [SERVICE_MARK]: true;
  /** The wire name: the server's routing id. */
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly declaredAt: DeclaredAt | undefined;
}

/** Declares a method. */
export function method<P extends Params, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodDefinition<P, R> {
  return { [METHOD_MARK]: true, spec, declaredAt: callerLocation() };
}

/** Declares an event. */
export function event<T extends z.ZodType>(spec: EventSpec<T>): EventDefinition<T> {
  return { [EVENT_MARK]: true, spec, declaredAt: callerLocation() };
}

/** Declares a service named `name` on the wire. */
export function service(name: string, spec: ServiceSpec): ServiceDefinition {
  return { [SERVICE_MARK]: true, name, spec, declaredAt: callerLocation() };
}

/** A byte string (msgpack bin, Python `bytes`): a `Uint8Array`. */
export function bytes(): z.ZodCustom<Uint8Array, Uint8Array> {
  const schema = z.instanceof(Uint8Array);
  Object.defineProperty(schema, BYTES_MARK, { value: true });
  return schema;
}

/**
 * An integer, for interface schemas (`count: Int`); in Zod schemas use
 * `z.number().int()`. Branded, because TypeScript forgets a plain alias of
 * `number`; generated code says `number`.
 */
export type Int = number & { readonly [INT_BRAND]?: never };
declare const INT_BRAND: unique symbol;

export type { DeclaredAt };
