/**
 * The `pseud` command: argument parsing and dispatch only; each verb lives in
 * its own module under commands/.
 */
import { createRequire } from "node:module";
import { BREAKING_HELP, breakingCommand } from "./commands/breaking.js";
import { CHECK_HELP, checkCommand } from "./commands/check.js";
import { GEN_HELP, genCommand } from "./commands/gen.js";
import { KEYS_HELP, keysCommand } from "./commands/keys.js";
import { ConfigError, UsageError } from "./commands/options.js";
import type { Io } from "./commands/project.js";

const HELP = `pseud: typed, bidirectional RPC over ZeroMQ (pseud protocol v1)

Usage: pseud <command> [options]

Commands:
  gen      generate typed clients and server skeletons from schemas
  check    fail when generated code has drifted from its schemas
  breaking tell a schema change that breaks deployed peers from one that does not
  keys     write a CURVE key pair: <name>.key (secret, mode 0600) and <name>.pub
  help     show help for a command: pseud help gen

Options:
  -h, --help     show help (also after a command)
  -v, --version  show the version

Exit codes: 0 success, 1 the command found a problem (schema mistakes, drift, a breaking change),
2 usage or config error (and, for breaking, schema mistakes).
`;

const VERBS: Record<string, { run: (args: readonly string[], io: Io) => Promise<number>; help: string }> = {
  gen: { run: genCommand, help: GEN_HELP },
  check: { run: checkCommand, help: CHECK_HELP },
  breaking: { run: breakingCommand, help: BREAKING_HELP },
  keys: { run: keysCommand, help: KEYS_HELP },
};

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "-h" || verb === "--help") {
    io.out(HELP);
    return 0;
  }
  if (verb === "help") {
    const [name, extra] = rest;
    if (name === undefined) {
      io.out(HELP);
      return 0;
    }
    const topic = VERBS[name];
    if (topic === undefined || extra !== undefined) {
      io.err(`pseud help: no help for ${JSON.stringify(rest.join(" "))}; commands are ${Object.keys(VERBS).join(", ")}\n`);
      return 2;
    }
    io.out(topic.help);
    return 0;
  }
  if (verb === "-v" || verb === "--version") {
    io.out(`${version()}\n`);
    return 0;
  }
  const command = VERBS[verb];
  if (command === undefined) {
    io.err(`pseud: unknown command ${JSON.stringify(verb)}; see 'pseud --help'\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.err(`pseud ${verb}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function processIo(): Io {
  return { cwd: process.cwd(), out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
}

function version(): string {
  // By the package's own name, so it reads the same file from the sources and from dist/.
  const manifest = createRequire(import.meta.url)("pseud-gen/package.json") as { version: string };
  return manifest.version;
}

/**
 * The process side of the command: runs {@link main} with the process's
 * streams and sets the exit code. An error that is not the user's (a bug)
 * is printed with its stack and exits 1.
 */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    process.stderr.write(`pseud: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
