import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Client, Server, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";
import { startPythonServer } from "../interop/python-peer.js";
import { runCli, tempProject, typeCheck } from "./temp-project.js";

/**
 * Names that broke generated code (issue 14): parameters named like the code
 * around them, reserved words, methods named `caller`, `constructor`, `then`,
 * wire names with dashes; and optional parameters left out before others,
 * which were sent as nil. The output must compile under a user's strictest
 * settings and behave over real sockets.
 */
const SCHEMA = `import { z } from "zod";
import { method, service } from "pseud-gen/schema";

export const hostile = service("hostile-names", {
  methods: {
    echo: method({ params: { args: z.string(), handlers: z.string(), callContext: z.string(), callOptions: z.string(), class: z.string() }, returns: z.string() }),
    caller: method({ params: {}, returns: z.string() }),
    constructor: method({ params: { options: z.number() }, returns: z.number() }),
    then: method({ params: {}, returns: z.string() }),
    "user-store.get": method({ params: { id: z.string() }, returns: z.string() }),
    history: method({
      params: { room: z.string(), since: z.date().optional(), limit: z.number().int().default(50) },
      returns: z.object({ room: z.string(), since: z.date().nullable(), limit: z.number().int() }),
    }),
  },
});

export const py = service("pysvc", {
  methods: { kw: method({ params: { a: z.number(), b: z.number().optional(), c: z.number().optional() }, returns: z.array(z.number()) }) },
});
`;

const STRICTEST = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
};

/** A user's code over the generated code: type-checked with it, then run. */
const USAGE = `import type { Caller, Server } from "pseud";
import { type HostileNamesHandlers, HostileNamesClient, registerHostileNamesServer } from "./generated/hostile-names.js";
import { PysvcClient } from "./generated/pysvc.js";

export const seen: unknown[][] = [];
const handlers: HostileNamesHandlers = {
  echo: (args, handlers, callContext, callOptions, class_) => [args, handlers, callContext, callOptions, class_].join(" "),
  caller: () => "caller",
  constructor_: (options) => options * 2,
  then_: () => "then",
  userStoreGet: (id) => \`user \${id}\`,
  history: (room, since, limit) => {
    seen.push([room, since, limit]);
    return { room, since: since ?? null, limit };
  },
};

export function serve(server: Server): void {
  registerHostileNamesServer(server, handlers);
}

export async function calls(caller: Caller): Promise<unknown[]> {
  const stub = new HostileNamesClient(caller);
  return [
    await stub.echo("a", "h", "c", "o", "k"),
    await stub.caller(),
    await stub.constructor_(21),
    await stub.then_(),
    await stub.userStoreGet("7"),
    await stub.history("general", undefined, 1),
    await stub.history("general"),
  ];
}

export async function pythonCalls(caller: Caller): Promise<unknown[]> {
  const py = new PysvcClient(caller);
  return [await py.kw(1, undefined, 30), await py.kw(1)];
}
`;

/** What the test uses of the usage module, once loaded. */
interface Usage {
  readonly seen: unknown[][];
  serve(server: Server): void;
  calls(caller: Client): Promise<unknown[]>;
  pythonCalls(caller: Client): Promise<unknown[]>;
}

describe("generated code for hostile names, and calls that leave optional parameters out", () => {
  it("compiles under the strictest settings (NodeNext and bundler), serves and calls every name, and leaves left-out parameters out on the wire", async () => {
    const root = tempProject({ "schemas/hostile.ts": SCHEMA, "usage.ts": USAGE });
    const gen = await runCli(root, ["gen"]);
    expect(gen.stderr).toBe("");
    expect(gen.code).toBe(0);
    // The generated files and the user's, under a user's strictest settings, with NodeNext and with bundler resolution.
    const checked = ["usage.ts", ...readdirSync(join(root, "generated")).map((f) => `generated/${f}`)];
    for (const resolution of [{}, { module: "ESNext", moduleResolution: "Bundler" }]) {
      expect(await typeCheck(root, checked, { ...STRICTEST, ...resolution })).toEqual([]);
    }

    const usage = (await import(join(root, "usage.ts"))) as Usage;
    const server = closeAfter(new Server("hostile-names", { logger: silentLogger }));
    usage.serve(server);
    const client = closeAfter(new Client("hostile-names", { logger: silentLogger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    expect(await usage.calls(client)).toEqual([
      "a h c o k",
      "caller",
      42,
      "then",
      "user 7",
      { room: "general", since: null, limit: 1 },
      { room: "general", since: null, limit: 50 },
    ]);
    expect(usage.seen).toEqual([
      ["general", undefined, 1],
      ["general", undefined, 50],
    ]);

    // The Python reference sees a left-out parameter as absent, and applies its own default (b = 2, not None).
    const { endpoint } = await startPythonServer("pysvc");
    const python = closeAfter(new Client("pysvc", { logger: silentLogger }));
    python.connect(endpoint);
    expect(await usage.pythonCalls(python)).toEqual([
      [1, 2, 30],
      [1, 2, 3],
    ]);
  }, 60_000);
});

describe("names that cannot be represented", () => {
  it("are schema mistakes at their place: a parameter named __proto__, a type named like an import of the generated code", async () => {
    const root = tempProject({
      "schemas/bad.ts": `import { z } from "zod";
import { method, service } from "pseud-gen/schema";
export const Server = z.object({ host: z.string() });
export const bad = service("bad", { methods: { f: method({ params: { q: z.string() }, returns: z.string() }) } });
`,
      "schemas/bad.interface.ts": "/** @service bad2 */\nexport interface Bad2 {\n  f(__proto__: string): string;\n}\n",
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr).toContain('schemas/bad.ts:3:14: type name Server is taken by the generated code');
    expect(stderr).toContain('parameter name "__proto__" of f is not an identifier that can name a keyword argument on the wire');
  });
});
