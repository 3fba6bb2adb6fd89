import type { CallOptions } from "./peer/rpc-peer.js";

/**
 * The whole contract between typed stubs and the wire: a Client, and a
 * server's handle on one connected client (`server.sendTo(peer)`), are both
 * Callers. An implementation must settle every call exactly once.
 */
export interface Caller {
  /**
   * Calls `method` (a dotted wire name) with positional `args` and keyword
   * `kwargs`. Resolves with the decoded result; rejects with a PseudError.
   */
  call(
    method: string,
    args?: readonly unknown[],
    kwargs?: Readonly<Record<string, unknown>>,
    options?: CallOptions,
  ): Promise<unknown>;
}

/**
 * The arguments of a call that may leave optional parameters out, as Python
 * expects them: positional up to the first one left out, and every later one
 * that is given by keyword. So no nil ever takes a left-out parameter's
 * place, and the callee's defaults apply (`history("general", undefined, 1)`
 * sends `["general"]` and `{ limit: 1 }`).
 */
export function callArguments(names: readonly string[], values: readonly unknown[]): [args: unknown[], kwargs: Record<string, unknown>] {
  const gap = values.indexOf(undefined);
  if (gap === -1) return [[...values], {}];
  const kwargs: Record<string, unknown> = {};
  for (let i = gap + 1; i < values.length; i++) {
    const name = names[i];
    if (values[i] !== undefined && name !== undefined) kwargs[name] = values[i];
  }
  return [values.slice(0, gap), kwargs];
}

/** A remote method reached by property access: `remote.string.lower("ABC")`. */
export interface RemoteMethod extends RemoteProxy {
  (...args: unknown[]): Promise<unknown>;
}

/** Dotted names by property access, in the spirit of the Python seeds; untyped (typed stubs come from `pseud gen`). */
export interface RemoteProxy {
  readonly [name: string]: RemoteMethod;
}

/**
 * Builds the dynamic proxy over a caller. `then` is never a method name here,
 * so that awaiting a proxy does not call the remote; use `call` for a method
 * of that name.
 */
export function remoteProxy(caller: Caller): RemoteProxy {
  return proxyAt(caller, undefined) as RemoteProxy;
}

function proxyAt(caller: Caller, path: string | undefined): RemoteMethod | RemoteProxy {
  const target = (...args: unknown[]) => {
    if (path === undefined) return Promise.reject(new TypeError("call a method of the proxy, not the proxy itself"));
    return caller.call(path, args);
  };
  return new Proxy(target, {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return undefined;
      return proxyAt(caller, path === undefined ? property : `${path}.${property}`);
    },
  }) as RemoteMethod;
}
