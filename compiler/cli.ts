#!/usr/bin/env node
/**
 * The `pseud` command: argument parsing and dispatch only; each verb lives in
 * its own module under commands/.
 */
import { readFileSync } from "node:fs";
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
    const topic = rest[0] === undefined ? undefined : VERBS[rest[0]];
    io.out(topic?.help ?? HELP);
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
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

// Run only as the program, not when a test imports main().
if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
