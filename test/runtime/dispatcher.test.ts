import { describe, expect, it } from "vitest";
import { type CallContext, RemoteError, silentLogger, ValidationError } from "pseud";
import type { Work } from "pseud/protocol";
import { Dispatcher, mapArguments } from "../../runtime/peer/dispatcher.js";
import { Registry } from "../../runtime/peer/registry.js";
import { RecordingLogger } from "../helpers.js";

/** The dispatcher without a socket: registrations, predicates, argument mapping and failures, each unit-tested. */
const context = (identity?: string): CallContext => ({ peer: Buffer.from("peer"), method: "m", messageId: Buffer.from("id"), identity });
const work = (method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Work => ({ method, args, kwargs });

function dispatcherWith(setup: (registry: Registry) => void, options = { sendTracebacks: false, logger: silentLogger }) {
  const registry = new Registry();
  setup(registry);
  return new Dispatcher(registry, options);
}

describe("mapArguments, with Python's rules and messages", () => {
  const registration = { name: "history", handler: () => 0, withContext: false, params: ["room", "since", "limit"], domain: "default" };

  it.each([
    ["positional only", work("history", ["general"]), ["general"]],
    ["keywords onto their slots", work("history", ["general"], { limit: 1 }), ["general", undefined, 1]],
    ["all by keyword, in any order", work("history", [], { limit: 2, room: "r" }), ["r", undefined, 2]],
    ["a keyword filling the next slot", work("history", ["r"], { since: 5 }), ["r", 5]],
  ])("%s", (_case, call, args) => {
    const mapped = mapArguments(registration, call);
    expect(mapped).toEqual({ ok: true, args });
    if (mapped.ok) expect(mapped.args.length).toBe(args.length); // no trailing slots: JavaScript defaults apply
  });

  it.each([
    ["too many positional arguments", work("history", [1, 2, 3, 4]), "history() takes 3 positional arguments but 4 were given"],
    ["an unknown keyword", work("history", [], { room: "r", nope: 1 }), "history() got an unexpected keyword argument 'nope'"],
    ["a keyword given positionally too", work("history", ["r"], { room: "s" }), "history() got multiple values for argument 'room'"],
  ])("refuses %s", (_case, call, message) => {
    expect(mapArguments(registration, call)).toEqual({ ok: false, message });
  });

  it("refuses keywords for a handler registered without parameter names, and passes positional arguments as they are", () => {
    const anonymous = { ...registration, params: undefined };
    expect(mapArguments(anonymous, work("history", [1, 2, 3, 4, 5]))).toEqual({ ok: true, args: [1, 2, 3, 4, 5] });
    expect(mapArguments(anonymous, work("history", [], { room: "r" }))).toMatchObject({ ok: false, message: expect.stringContaining("takes no keyword arguments") });
  });
});

describe("Dispatcher", () => {
  it("runs the handler, sync or async, with the context first when registered withContext", async () => {
    const dispatcher = dispatcherWith((registry) => {
      registry.add("add", (a: number, b: number) => a + b, false, { params: ["a", "b"] });
      registry.add("who", async (ctx: CallContext) => ctx.identity, true);
    });
    expect(await dispatcher.dispatch(work("add", [2], { b: 3 }), context())).toEqual({ ok: true, value: 5 });
    expect(await dispatcher.dispatch(work("who"), context("alice"))).toEqual({ ok: true, value: "alice" });
  });

  it("answers an unknown method, or one no predicate admits, with ServiceNotFoundError", async () => {
    const dispatcher = dispatcherWith((registry) => registry.add("secret", () => 1, false, { domain: "admins" }));
    dispatcher.setPredicate("admins", (ctx) => ctx.identity === "admin");
    expect(await dispatcher.dispatch(work("nope"), context())).toMatchObject({ ok: false, failure: { className: "ServiceNotFoundError" } });
    expect(await dispatcher.dispatch(work("secret"), context("alice"))).toMatchObject({ ok: false, failure: { className: "ServiceNotFoundError" } });
    expect(await dispatcher.dispatch(work("secret"), context("admin"))).toEqual({ ok: true, value: 1 });
  });

  it("tries restricted domains first, then the default one; an async predicate is awaited", async () => {
    const dispatcher = dispatcherWith((registry) => {
      registry.add("report", () => "public", false);
      registry.add("report", () => "full", false, { domain: "admins" });
    });
    dispatcher.setPredicate("admins", async (ctx) => ctx.identity === "admin");
    expect(await dispatcher.dispatch(work("report"), context("admin"))).toEqual({ ok: true, value: "full" });
    expect(await dispatcher.dispatch(work("report"), context("bob"))).toEqual({ ok: true, value: "public" });
  });

  it("admits nobody to a domain without a predicate, and says so once", async () => {
    const logger = new RecordingLogger();
    const dispatcher = dispatcherWith((registry) => registry.add("x", () => 1, false, { domain: "ops" }), { sendTracebacks: false, logger });
    for (let i = 0; i < 3; i++) expect(await dispatcher.dispatch(work("x"), context())).toMatchObject({ ok: false, failure: { className: "ServiceNotFoundError" } });
    expect(logger.lines.filter((l) => l.message.includes("has no predicate"))).toHaveLength(1);
    expect(() => dispatcher.setPredicate("default", () => false)).toThrow(/default domain/);
  });

  it("answers bad arguments with TypeError, without running the handler", async () => {
    let ran = false;
    const dispatcher = dispatcherWith((registry) => registry.add("one", () => (ran = true), false, { params: ["a"] }));
    expect(await dispatcher.dispatch(work("one", [1, 2]), context())).toEqual({
      ok: false,
      failure: { className: "TypeError", message: "one() takes 1 positional argument but 2 were given", traceback: "" },
    });
    expect(ran).toBe(false);
  });

  it("turns what a handler or predicate throws into a failure a Python peer can rebuild, with the stack only when told", async () => {
    const logger = new RecordingLogger();
    const setup = (registry: Registry) => {
      registry.add("boom", () => {
        throw new RangeError("too far");
      }, false);
      registry.add("str", () => {
        throw "plain";
      }, false);
      registry.add("none", () => {
        throw Object.assign(new Error("odd"), { name: "None" });
      }, false);
      registry.add("guarded", () => 1, false, { domain: "d" });
    };
    const quiet = dispatcherWith(setup, { sendTracebacks: false, logger });
    quiet.setPredicate("d", () => {
      throw new Error("predicate broke");
    });
    expect(await quiet.dispatch(work("boom"), context())).toEqual({ ok: false, failure: { className: "RangeError", message: "too far", traceback: "" } });
    expect(await quiet.dispatch(work("str"), context())).toEqual({ ok: false, failure: { className: "Error", message: "plain", traceback: "" } });
    expect(await quiet.dispatch(work("none"), context())).toMatchObject({ ok: false, failure: { className: "Error" } });
    expect(await quiet.dispatch(work("guarded"), context())).toMatchObject({ ok: false, failure: { className: "Error", message: "predicate broke" } });
    expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(4); // each logged on the server, with its stack

    const verbose = dispatcherWith(setup, { sendTracebacks: true, logger: silentLogger });
    const outcome = await verbose.dispatch(work("boom"), context());
    expect(outcome.ok ? "" : outcome.failure.traceback).toContain("RangeError: too far");
  });

  it("logs a ValidationError (the caller's mistake) at debug, not as a server error", async () => {
    const logger = new RecordingLogger();
    const dispatcher = dispatcherWith(
      (registry) =>
        registry.add("v", () => {
          throw new ValidationError("bad argument", []);
        }, false),
      { sendTracebacks: false, logger },
    );
    expect(await dispatcher.dispatch(work("v"), context())).toMatchObject({ ok: false, failure: { className: "ValidationError" } });
    expect(logger.lines.map((l) => l.level)).toEqual(["debug"]);
  });
});

describe("Dispatcher fallback (delegation)", () => {
  it("sends calls no registration admits to the fallback; its result, or its remote error unchanged, is the outcome", async () => {
    const dispatcher = dispatcherWith((registry) => registry.add("here", () => "local", false), { sendTracebacks: true, logger: silentLogger });
    const seen: string[] = [];
    dispatcher.setFallback((call, ctx) => {
      seen.push(`${call.method} by ${ctx.identity}`);
      if (call.method === "refused") return undefined;
      if (call.method === "remote.fail") return Promise.reject(new RemoteError("ValueError", "no", "Traceback ..."));
      return Promise.resolve(`${call.method} elsewhere`);
    });
    expect(await dispatcher.dispatch(work("here"), context("alice"))).toEqual({ ok: true, value: "local" });
    expect(await dispatcher.dispatch(work("there"), context("alice"))).toEqual({ ok: true, value: "there elsewhere" });
    expect(await dispatcher.dispatch(work("remote.fail"), context("alice"))).toEqual({
      ok: false,
      failure: { className: "ValueError", message: "no", traceback: "Traceback ..." },
    });
    expect(await dispatcher.dispatch(work("refused"), context("bob"))).toMatchObject({ ok: false, failure: { className: "ServiceNotFoundError" } });
    expect(seen).toEqual(["there by alice", "remote.fail by alice", "refused by bob"]);
  });

  it("keeps a remote traceback private without sendTracebacks", async () => {
    const dispatcher = dispatcherWith(() => {});
    dispatcher.setFallback(() => Promise.reject(new RemoteError("ValueError", "no", "Traceback: /srv/secret.py")));
    expect(await dispatcher.dispatch(work("x"), context())).toEqual({ ok: false, failure: { className: "ValueError", message: "no", traceback: "" } });
  });
});
