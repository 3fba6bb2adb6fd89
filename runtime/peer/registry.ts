import type { CallContext } from "./call-context.js";
import { DEFAULT_DOMAIN } from "./call-context.js";

/**
 * A handler: any function, sync or async. It receives the positional
 * arguments (keyword arguments mapped onto them by parameter name), preceded
 * by the {@link CallContext} when registered `withContext`.
 */
// `never[]` accepts every function's parameter list; the dispatcher calls it with decoded values.
export type Handler = (...args: never[]) => unknown;

/** A handler that takes the call context first. */
export type ContextHandler = (context: CallContext, ...args: never[]) => unknown;

/** How a method is registered. */
export interface RegisterOptions {
  /**
   * The names of the handler's parameters, in order. With them a caller may
   * pass keyword arguments, matched by name as Python does; without them a
   * call with keyword arguments is refused with `TypeError`.
   */
  readonly params?: readonly string[];
  /** The domain whose predicate must admit a caller; `"default"` admits everyone. */
  readonly domain?: string;
}

/** One registered method. */
export interface Registration {
  readonly name: string;
  readonly handler: Handler | ContextHandler;
  readonly withContext: boolean;
  readonly params: readonly string[] | undefined;
  readonly domain: string;
}

/**
 * Registrations by wire name. One name may have several registrations, one per
 * domain: the dispatcher picks the first whose predicate admits the caller.
 */
export class Registry {
  private readonly byName = new Map<string, Registration[]>();

  /** Adds a registration; throws when the name is empty or already registered in that domain. */
  add(name: string, handler: Handler | ContextHandler, withContext: boolean, options: RegisterOptions = {}): void {
    if (typeof name !== "string" || name === "") throw new TypeError("a method name must be a non-empty string");
    if (typeof handler !== "function") throw new TypeError(`the handler of ${name} must be a function`);
    const domain = options.domain ?? DEFAULT_DOMAIN;
    const list = this.byName.get(name) ?? [];
    if (list.some((r) => r.domain === domain))
      throw new Error(`method ${JSON.stringify(name)} is already registered in domain ${JSON.stringify(domain)}`);
    const params = options.params === undefined ? undefined : [...options.params];
    // Restricted domains are tried before the default one, so that the same
    // name can mean more to callers a predicate admits.
    const next = [...list, { name, handler, withContext, params, domain }];
    next.sort((a, b) => Number(a.domain === DEFAULT_DOMAIN) - Number(b.domain === DEFAULT_DOMAIN));
    this.byName.set(name, next);
  }

  /** Removes every registration of `name`, or only the one in `domain`; false if there was none. */
  remove(name: string, domain?: string): boolean {
    const list = this.byName.get(name);
    if (list === undefined) return false;
    const kept = domain === undefined ? [] : list.filter((r) => r.domain !== domain);
    if (kept.length === list.length) return false;
    if (kept.length === 0) this.byName.delete(name);
    else this.byName.set(name, kept);
    return true;
  }

  /** The registrations of a wire name, restricted domains first. */
  find(name: string): readonly Registration[] {
    return this.byName.get(name) ?? NONE;
  }
}

const NONE: readonly Registration[] = [];
