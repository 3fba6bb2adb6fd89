#!/usr/bin/env node
/**
 * The user's path, as CI runs it (`npm run test:user-path`, from .ci/run):
 * the two packages packed as npm would publish them, installed from their
 * tarballs into a fresh project outside this repository, and used only as
 * the README tells a user to: through npm's .bin symlink, type-checked under
 * the user's own strict tsconfig, run with plain node.
 *
 * Nothing here imports the repository's sources: what is tested is the
 * artefact. Each step prints one line; the first failure stops the run with
 * exit 1 and what the command printed.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = JSON.parse(readFileSync(join(REPO, "runtime/package.json"), "utf8")).version;
const work = mkdtempSync(join(tmpdir(), "pseud-user-path-"));
const keep = process.env.PSEUD_KEEP_USER_PATH === "1";
let passed = 0;

function fail(step, detail) {
  console.error(`user path: FAILED at "${step}"\n${detail}`);
  console.error(keep ? `project kept at ${work}` : "(set PSEUD_KEEP_USER_PATH=1 to keep the project)");
  process.exit(1);
}

/** Runs a command; returns its stdout and its whole output, or fails the run when its exit code is not `expect`. */
function step(name, command, args, { cwd, expect = 0, env } = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 180_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error) fail(name, String(result.error));
  if (result.status !== expect) fail(name, `$ ${command} ${args.join(" ")}\nexit ${result.status}, expected ${expect}\n${output}`);
  passed++;
  console.log(`ok ${passed} - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { stdout: result.stdout ?? "", output };
}

/**
 * Runs a command that runs until stopped (`pseud gen --watch`): waits for
 * `ready` in its output, then for each edit calls `act` and waits for
 * `done()`, then sends SIGINT (Ctrl-C) and fails the run unless it exits
 * with code 0 by itself.
 */
async function untilStopped(name, command, args, { cwd, ready, edits }) {
  const started = Date.now();
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const waitFor = async (what, condition) => {
    for (const deadline = Date.now() + 60_000; !condition(); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        fail(name, `$ ${command} ${args.join(" ")}\nno ${what} within 60 s\n${output}`);
      }
    }
  };
  await waitFor(`"${ready}"`, () => output.includes(ready));
  for (const [index, { act, done }] of edits.entries()) {
    act();
    await waitFor(`the outcome of edit ${index + 1}`, done);
  }
  child.kill("SIGINT");
  const { code, signal } = await exited;
  if (code !== 0) fail(name, `$ ${command} ${args.join(" ")}\nafter SIGINT: exit ${code}, signal ${signal}, expected exit 0\n${output}`);
  passed++;
  console.log(`ok ${passed} - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function check(name, condition, detail) {
  if (!condition) fail(name, detail);
  passed++;
  console.log(`ok ${passed} - ${name}`);
}

function write(root, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

// 1. Pack both packages as npm would publish them.
const packed = join(work, "tarballs");
mkdirSync(packed);
const packOutput = step("npm pack both packages", "npm", ["pack", "--workspaces", "--json", "--pack-destination", packed], { cwd: REPO });
const packs = JSON.parse(packOutput.stdout);
const tarballs = Object.fromEntries(packs.map((p) => [p.name, join(packed, p.filename)]));
const files = Object.fromEntries(packs.map((p) => [p.name, p.files.map((f) => f.path)]));
for (const name of ["pseud", "pseud-gen"]) {
  check(`${name} tarball holds only what users need`, files[name].every((f) => /^(dist\/.*\.(js|d\.ts)|bin\/pseud\.js|package\.json|README\.md|LICENSE)$/.test(f)), files[name].join("\n"));
  check(`${name} tarball has README and LICENSE`, files[name].includes("README.md") && files[name].includes("LICENSE"), files[name].join("\n"));
}

// 2. A runtime-only service: no code generator comes with it.
const service = join(work, "service");
mkdirSync(service);
write(service, { "package.json": JSON.stringify({ name: "service", private: true, type: "module" }) });
step("runtime-only install", "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarballs.pseud], { cwd: service });
const prodTree = step("npm ls --omit=dev --all", "npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: service }).stdout;
for (const heavy of ["ts-morph", "typescript", "tsx", "esbuild", "tinyglobby"]) {
  check(`runtime-only project has no ${heavy}`, !prodTree.split("\n").some((line) => line.endsWith(`/node_modules/${heavy}`)), prodTree);
}
check("zod comes as the runtime's peer", prodTree.includes("/node_modules/zod"), prodTree);

// 3. A project that generates code: both packages, zod, typescript, @types/node.
const project = join(work, "project");
mkdirSync(project);
write(project, {
  "package.json": JSON.stringify({ name: "user-project", private: true, type: "module" }, null, 2),
  "tsconfig.json": JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        outDir: "out",
        types: ["node"],
      },
      include: ["src", "generated", "schemas"],
    },
    null,
    2,
  ),
  "pseud.config.json": JSON.stringify({ schemas: ["schemas/*.service.ts"], out: "generated" }),
  // A shared-types module, imported by a Zod schema.
  "schemas/shared/common.ts": [
    'import { z } from "zod";',
    "export const Priority = z.enum([\"low\", \"high\"]);",
    "export const Todo = z.object({ id: z.number().int(), title: z.string(), priority: Priority, done: z.boolean(), note: z.string().optional() });",
    "",
  ].join("\n"),
  // Zod format: a client method (the server calls it) and a restricted domain.
  "schemas/todo.service.ts": [
    'import { z } from "zod";',
    'import { method, service } from "pseud-gen/schema";',
    'import { Priority, Todo } from "./shared/common.js";',
    'export const todo = service("todo", {',
    "  methods: {",
    "    add: method({ params: { title: z.string(), priority: Priority.optional() }, returns: Todo }),",
    "    list: method({ params: {}, returns: z.array(Todo) }),",
    "    remove: method({ params: { id: z.number().int() }, returns: z.boolean() }),",
    '    "admin.purge": method({ params: {}, returns: z.number().int(), domain: "admin" }),',
    "  },",
    "  clientMethods: {",
    '    "notify": method({ params: { text: z.string() }, returns: z.boolean() }),',
    "  },",
    "});",
    "",
  ].join("\n"),
  // Interface format.
  "schemas/clock.service.ts": [
    'import type { Int } from "pseud-gen/schema";',
    "/** Tells the time. @service clock */",
    "export interface Clock {",
    "  /** Milliseconds since the epoch. */",
    "  now(): Int;",
    "  add(a: Int, b: Int): Int;",
    "}",
    "",
  ].join("\n"),
});
step(
  "install the tarballs with zod, typescript and @types/node",
  "npm",
  // TypeScript 7 (the native compiler) is what `npm install typescript` gives today; the CommonJS project below
  // keeps 6.0.2, so the packages are type-checked by both.
  ["install", "--no-audit", "--no-fund", "--prefer-offline", tarballs.pseud, tarballs["pseud-gen"], "zod@^4", "typescript@^7", "@types/node@^20"],
  { cwd: project },
);
const printed = step("npx pseud --version", "npx", ["--no-install", "pseud", "--version"], { cwd: project }).stdout;
check("pseud --version prints the version", printed.trim() === VERSION, `printed ${JSON.stringify(printed)}, expected ${VERSION}`);
const direct = step("node <path to the bin> --version", "node", ["node_modules/pseud-gen/bin/pseud.js", "--version"], { cwd: project }).stdout;
check("the bin run by path prints the version", direct.trim() === VERSION, direct);
const elsewhere = join(work, "elsewhere");
mkdirSync(elsewhere);
symlinkSync(join(project, "node_modules/.bin/pseud"), join(elsewhere, "pseud"));
const linked = step("a symlink to the .bin symlink (as npm link and pnpm make)", join(elsewhere, "pseud"), ["--version"], { cwd: elsewhere }).stdout;
check("the doubly linked bin prints the version", linked.trim() === VERSION, linked);
step("npx pseud help nope is a usage error", "npx", ["--no-install", "pseud", "help", "nope"], { cwd: project, expect: 2 });
step("npx pseud keys nodir/x is a usage error", "npx", ["--no-install", "pseud", "keys", "nodir/x"], { cwd: project, expect: 2 });
step("npx pseud gen", "npx", ["--no-install", "pseud", "gen"], { cwd: project });
step("npx pseud check passes on fresh output", "npx", ["--no-install", "pseud", "check"], { cwd: project });

// The app: a typed server and a typed client over tcp, through the installed runtime.
write(project, {
  "src/app.ts": [
    'import { Client, Server, silentLogger, type CallContext } from "pseud";',
    'import { ClockClient, registerClockServer } from "../generated/clock.js";',
    'import { TodoClient, registerTodoServer, registerTodoClient, todoPeer } from "../generated/todo.js";',
    "type Todo = Awaited<ReturnType<TodoClient[\"add\"]>>;",
    "",
    "const todos: Todo[] = [];",
    'const server = new Server("todo", { logger: silentLogger });',
    "registerTodoServer(server, {",
    '  add: (title, priority) => { const t: Todo = { id: todos.length + 1, title, priority: priority ?? "low", done: false }; todos.push(t); return t; },',
    "  list: () => todos,",
    "  remove: (id) => todos.splice(todos.findIndex((t) => t.id === id), 1).length === 1,",
    "  adminPurge: () => todos.splice(0).length,",
    "});",
    'const clockServer = new Server("clock", { logger: silentLogger });',
    "registerClockServer(clockServer, { now: () => 1_700_000_000_000, add: (a, b) => a + b });",
    'const endpoint = await server.bind("tcp://127.0.0.1:*");',
    'const clockEndpoint = await clockServer.bind("tcp://127.0.0.1:*");',
    "",
    "{",
    '  await using client = new Client("todo", { logger: silentLogger });',
    "  registerTodoClient(client, { notify: (text) => text.length > 0 });",
    "  client.connect(endpoint);",
    "  const todo = new TodoClient(client);",
    '  const added = await todo.add("write tests", "high");',
    "  const listed = await todo.list();",
    '  const purge = await todo.adminPurge().then(() => "allowed", (e: Error) => e.name);',
    "  const peer = server.peers()[0];",
    '  if (peer === undefined) throw new Error("no peer");',
    '  const notified = await todoPeer(server, peer.routingId).notify("hello");',
    "  await using clockClient = new Client(\"clock\", { logger: silentLogger });",
    "  clockClient.connect(clockEndpoint);",
    "  const sum = await new ClockClient(clockClient).add(2, 40);",
    "  // The untyped proxy, by dotted name (under noUncheckedIndexedAccess each step may be undefined).",
    "  const dynamic = await client.remote[\"admin\"]![\"purge\"]!().catch((e: Error) => e.name);",
    "  console.log(JSON.stringify({ added, count: listed.length, purge, notified, sum, dynamic }));",
    "}",
    "await server.close();",
    "await clockServer.close();",
    "",
  ].join("\n"),
});
step("generated code and the app type-check under the user's strict tsconfig (NodeNext)", "npx", ["--no-install", "tsc", "-p", "tsconfig.json"], { cwd: project });
const strictest = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8"));
strictest.compilerOptions = { ...strictest.compilerOptions, exactOptionalPropertyTypes: true, noPropertyAccessFromIndexSignature: true, noEmit: true };
writeFileSync(join(project, "tsconfig.strictest.json"), JSON.stringify(strictest, null, 2));
step("and with exactOptionalPropertyTypes: true", "npx", ["--no-install", "tsc", "-p", "tsconfig.strictest.json"], { cwd: project });
const ran = step("a typed client calls a typed server over tcp (plain node)", "node", ["out/src/app.js"], { cwd: project }).stdout;
let outcome;
try {
  outcome = JSON.parse(ran.trim().split("\n").pop());
} catch {
  fail("the app printed its outcome", ran);
}
check(
  "calls both ways gave the right results",
  outcome.added.title === "write tests" && outcome.added.priority === "high" && outcome.count === 1 && outcome.purge === "ServiceNotFoundError" && outcome.notified === true && outcome.sum === 42 && outcome.dynamic === "ServiceNotFoundError",
  JSON.stringify(outcome),
);

// Drift: a hand edit of a generated file fails the gate.
appendFileSync(join(project, "generated/todo.ts"), "\n// a hand edit\n");
const drift = step("npx pseud check exits 1 after a hand edit", "npx", ["--no-install", "pseud", "check"], { cwd: project, expect: 1 }).output;
check("check names the drifted file", drift.includes("generated/todo.ts"), drift);
step("npx pseud gen repairs it", "npx", ["--no-install", "pseud", "gen"], { cwd: project });
step("npx pseud check passes again", "npx", ["--no-install", "pseud", "check"], { cwd: project });

// Watch: the bin regenerates on an edit, and Ctrl-C ends it cleanly (exit code 0).
const clockSchema = join(project, "schemas/clock.service.ts");
const clockBefore = readFileSync(clockSchema, "utf8");
const clockGenerated = () => readFileSync(join(project, "generated/clock.ts"), "utf8");
await untilStopped("pseud gen --watch (the .bin link) regenerates on each edit; SIGINT exits 0", join(project, "node_modules/.bin/pseud"), ["gen", "--watch"], {
  cwd: project,
  ready: "watching",
  edits: [
    { act: () => writeFileSync(clockSchema, clockBefore.replace("  add(a: Int, b: Int): Int;", "  add(a: Int, b: Int): Int;\n  tick(): Int;")), done: () => clockGenerated().includes("tick(") },
    { act: () => writeFileSync(clockSchema, clockBefore), done: () => !clockGenerated().includes("tick(") }, // as it was, for the steps below
  ],
});

// Breaking: a removed method, against a folder holding the schemas as they were.
cpSync(join(project, "schemas"), join(project, "previous/schemas"), { recursive: true });
const schemaFile = join(project, "schemas/todo.service.ts");
writeFileSync(schemaFile, readFileSync(schemaFile, "utf8").replace(/ {4}remove: method\(.*\n/, ""));
const breaking = step("npx pseud breaking --against a folder reports a removed method", "npx", ["--no-install", "pseud", "breaking", "--against", "previous"], { cwd: project, expect: 1 }).output;
check("breaking names the removed method", breaking.includes("todo.remove"), breaking);

// CommonJS: a project without "type": "module", NodeNext, requiring the ESM-only runtime (Node >= 20.19).
const cjs = join(work, "cjs");
mkdirSync(cjs);
write(cjs, {
  "package.json": JSON.stringify({ name: "cjs-user", private: true }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, rootDir: "src", outDir: "out", types: ["node"] }, include: ["src"] }),
  "src/main.ts": [
    'import { Client, Server, silentLogger } from "pseud";',
    "async function main(): Promise<void> {",
    '  const server = new Server("echo", { logger: silentLogger });',
    '  server.register("echo", (x: unknown) => x);',
    '  const endpoint = await server.bind("tcp://127.0.0.1:*");',
    '  const client = new Client("echo", { logger: silentLogger });',
    "  client.connect(endpoint);",
    '  console.log(await client.call("echo", ["from cjs"]));',
    "  await client.close();",
    "  await server.close();",
    "}",
    "void main();",
    "",
  ].join("\n"),
});
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarballs.pseud, "zod@^4", "typescript@6.0.2", "@types/node@^20"], { cwd: cjs, stdio: "ignore" });
step("a CommonJS project (module NodeNext) type-checks against the runtime", "npx", ["--no-install", "tsc", "-p", "tsconfig.json"], { cwd: cjs });
const cjsRan = step("and runs with require()", "node", ["out/main.js"], { cwd: cjs }).stdout;
check("the CommonJS call worked", cjsRan.trim() === "from cjs", cjsRan);
// The generated code and the app, under the older compiler too (the CommonJS project's TypeScript 6.0.2).
step("generated code and the app type-check under TypeScript 6.0.2 too", "node", [join(cjs, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.strictest.json"], { cwd: project });

if (!keep) rmSync(work, { recursive: true, force: true });
console.log(`user-path: ${passed} passed, 0 failed`);
