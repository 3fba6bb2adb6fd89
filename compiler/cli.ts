#!/usr/bin/env node
/**
 * The `pseud` command: argument parsing and dispatch only; each verb lives in
 * its own module under commands/.
 */
import { readFileSync } from "node:fs";

const HELP = `pseud: typed, bidirectional RPC over ZeroMQ (pseud protocol v1)

Usage: pseud <command> [options]

Commands:
  help        show this help

Options:
  -h, --help     show help
  -v, --version  show the version

Exit codes: 0 success, 1 the command found a problem, 2 usage error.
`;

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export function main(argv: readonly string[]): number {
  const [verb] = argv;
  if (verb === undefined || verb === "help" || verb === "-h" || verb === "--help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (verb === "-v" || verb === "--version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  process.stderr.write(`pseud: unknown command ${JSON.stringify(verb)}; see 'pseud --help'\n`);
  return 2;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

process.exitCode = main(process.argv.slice(2));
