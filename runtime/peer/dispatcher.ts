import { RemoteError, ValidationError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Failure, Work } from "../protocol/frames.js";
import type { CallContext, Predicate } from "./call-context.js";
import { DEFAULT_DOMAIN } from "./call-context.js";
import type { Registration, Registry } from "./registry.js";

/** What a WORK comes to: a value for OK, or a failure for ERROR. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: Failure };

/** How the dispatcher turns exceptions into ERROR bodies. */
export interface DispatcherOptions {
  /** Send the handler's stack as the remote traceback; off keeps the server's files and paths private. */
  readonly sendTracebacks: boolean;
  /** Where handler and predicate exceptions are logged, with their stacks; it should be rate-limited, since callers decide how often they happen. */
  readonly logger: Logger;
}

/**
 * Where a call goes that no registration admits (see `Server.proxyTo`): its
 * result, or its error, is the call's. Undefined: nowhere, for this caller.
 */
export type Fallback = (work: Work, context: CallContext) => Promise<unknown> | undefined;

/**
 * Inbound WORK → the registration whose domain admits the caller → arguments
 * mapped → the handler run → an {@link Outcome}. Never rejects: every fault
 * becomes a failure with a class name a Python peer understands.
 */
export class Dispatcher {
  private readonly predicates = new Map<string, Predicate>([[DEFAULT_DOMAIN, () => true]]);
  /** Domains already reported as having no predicate: said once, not on every call. */
  private readonly reported = new Set<string>();
  private fallback: Fallback | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly options: DispatcherOptions,
  ) {}

  /** Sets the predicate of a domain. The default domain's cannot be changed: it admits everyone. */
  setPredicate(domain: string, predicate: Predicate): void {
    if (domain === DEFAULT_DOMAIN) throw new Error("the default domain admits every caller; its predicate is fixed");
    this.predicates.set(domain, predicate);
  }

  /** Sets where calls go that no registration admits; undefined: they are answered ServiceNotFoundError. */
  setFallback(fallback: Fallback | undefined): void {
    this.fallback = fallback;
  }

  /**
   * Serves a WORK. Synchronous as far as it can be: when the predicates that
   * decide are synchronous and the handler returns a value (not a promise),
   * the outcome is returned at once, so the reply goes out before the
   * receive loop waits for the next message; otherwise a promise of it.
   */
  dispatch(work: Work, context: CallContext): Outcome | Promise<Outcome> {
    let selected: Registration | undefined | Promise<Registration | undefined>;
    try {
      selected = this.select(work.method, context);
    } catch (error) {
      return this.predicateThrew(work, context, error);
    }
    if (isThenable(selected)) {
      return selected.then(
        (registration) => this.run(work, context, registration),
        (error: unknown) => this.predicateThrew(work, context, error),
      );
    }
    return this.run(work, context, selected);
  }

  private predicateThrew(work: Work, context: CallContext, error: unknown): Outcome {
    this.logThrown("a predicate threw; the call is answered with its error", work.method, context, error);
    return { ok: false, failure: this.failureOf(error) };
  }

  private run(work: Work, context: CallContext, registration: Registration | undefined): Outcome | Promise<Outcome> {
    if (registration === undefined) {
      if (this.fallback !== undefined) {
        let forwarded: Promise<unknown> | undefined;
        try {
          forwarded = this.fallback(work, context);
        } catch (error) {
          this.logThrown("choosing where to delegate a call threw; the call is answered with its error", work.method, context, error);
          return { ok: false, failure: this.failureOf(error) };
        }
        if (forwarded !== undefined) return this.forward(work, context, forwarded);
      }
      return {
        ok: false,
        failure: {
          className: "ServiceNotFoundError",
          message: `no method ${JSON.stringify(work.method)} is registered for this caller`,
          traceback: "",
        },
      };
    }
    const mapped = mapArguments(registration, work);
    if (!mapped.ok) return { ok: false, failure: { className: "TypeError", message: mapped.message, traceback: "" } };
    let value: unknown;
    try {
      const handler = registration.handler as (...args: unknown[]) => unknown;
      value = registration.withContext ? handler(context, ...mapped.args) : handler(...mapped.args);
    } catch (error) {
      return this.handlerThrew(work, context, error);
    }
    if (!isThenable(value)) return { ok: true, value };
    return Promise.resolve(value).then(
      (resolved) => ({ ok: true, value: resolved }),
      (error: unknown) => this.handlerThrew(work, context, error),
    );
  }

  private handlerThrew(work: Work, context: CallContext, error: unknown): Outcome {
    this.logThrown("a handler threw; the call is answered with its error", work.method, context, error);
    return { ok: false, failure: this.failureOf(error) };
  }

  /** Turns anything thrown into an ERROR body; a remote error passes on as its remote peer raised it. */
  failureOf(error: unknown): Failure {
    if (error instanceof RemoteError) {
      return { className: error.remoteClass, message: error.remoteMessage, traceback: this.options.sendTracebacks ? error.remoteTraceback : "" };
    }
    if (error instanceof Error) {
      return {
        className: exceptionName(error.name),
        message: error.message,
        traceback: this.options.sendTracebacks ? (error.stack ?? "") : "",
      };
    }
    return { className: "Error", message: String(error), traceback: "" };
  }

  /** A call delegated to another server: its outcome is the call's. The other server's errors are its own to log. */
  private async forward(work: Work, context: CallContext, forwarded: Promise<unknown>): Promise<Outcome> {
    try {
      return { ok: true, value: await forwarded };
    } catch (error) {
      this.options.logger.debug("a delegated call failed; its error is passed on", { method: work.method, peer: context.peer, identity: context.identity, error });
      return { ok: false, failure: this.failureOf(error) };
    }
  }

  /** The server's side of an exception its caller gets: logged here with its stack, whether or not the stack is sent. */
  private logThrown(message: string, method: string, context: CallContext, error: unknown): void {
    // Arguments the generated validators refused are the caller's mistake, answered to the caller: no server error.
    if (error instanceof ValidationError) {
      this.options.logger.debug(message, { method, peer: context.peer, identity: context.identity, error });
      return;
    }
    const stack = error instanceof Error ? error.stack : undefined;
    this.options.logger.error(message, { method, peer: context.peer, identity: context.identity, error, ...(stack === undefined ? {} : { stack }) });
  }

  /** The first registration whose domain admits the caller; a promise only once a predicate answers with one. */
  private select(method: string, context: CallContext, from = 0): Registration | undefined | Promise<Registration | undefined> {
    const registrations = this.registry.find(method);
    for (let i = from; i < registrations.length; i++) {
      const registration = registrations[i] as Registration;
      const predicate = this.predicates.get(registration.domain);
      if (predicate === undefined) {
        if (!this.reported.has(registration.domain)) {
          this.reported.add(registration.domain);
          this.options.logger.warn("domain has no predicate; it admits nobody", { method, domain: registration.domain });
        }
        continue;
      }
      const admitted = predicate(context);
      if (admitted === true) return registration;
      if (admitted === false) continue;
      return Promise.resolve(admitted).then((yes) => (yes ? registration : this.select(method, context, i + 1)));
    }
    return undefined;
  }
}

type Mapped = { readonly ok: true; readonly args: unknown[] } | { readonly ok: false; readonly message: string };

/**
 * Positional and keyword arguments → the handler's argument list, with
 * Python's rules and Python's messages: a keyword must name a parameter, and
 * must not name one already given positionally. Parameters left out are
 * `undefined`, so JavaScript default values apply.
 */
export function mapArguments(registration: Registration, work: Work): Mapped {
  const keys = Object.keys(work.kwargs);
  const { params, name } = registration;
  if (params === undefined) {
    if (keys.length === 0) return { ok: true, args: work.args as unknown[] };
    return { ok: false, message: `${name}() takes no keyword arguments (its parameters are not named in its registration)` };
  }
  if (work.args.length > params.length) {
    return {
      ok: false,
      message: `${name}() takes ${params.length} positional argument${params.length === 1 ? "" : "s"} but ${work.args.length} were given`,
    };
  }
  if (keys.length === 0) return { ok: true, args: work.args as unknown[] };
  const args = [...work.args];
  let last = args.length;
  for (const key of keys) {
    const index = params.indexOf(key);
    if (index === -1) return { ok: false, message: `${name}() got an unexpected keyword argument '${key}'` };
    if (index < work.args.length) return { ok: false, message: `${name}() got multiple values for argument '${key}'` };
    args[index] = work.kwargs[key];
    last = Math.max(last, index + 1);
  }
  args.length = last;
  return { ok: true, args };
}

/**
 * The reference rebuilds an exception by class name, and hangs its caller on
 * a builtin that is not an exception (`str`, `None`…). Exception classes are
 * capitalised identifiers; anything else is sent as `Error`.
 */
function exceptionName(name: string): string {
  return /^[A-Z][A-Za-z0-9_]*$/.test(name) && !NOT_EXCEPTIONS.has(name) ? name : "Error";
}

const NOT_EXCEPTIONS = new Set(["None", "True", "False", "Ellipsis", "NotImplemented"]);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
