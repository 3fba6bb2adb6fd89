import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateKeyPair } from "pseud";
import { parse, UsageError } from "./options.js";
import type { Io } from "./project.js";

export const KEYS_HELP = `pseud keys: write a CURVE key pair

Usage: pseud keys <name> [--force]

Writes <name>.key (the secret key, Z85, readable by its owner only: mode 0600)
and <name>.pub (the public key, Z85). Give the .pub to the other side; a
Server or Client takes either file by path (keyPair: { publicKey, secretKey }).

Options:
  --force      overwrite existing files
  -h, --help   show this help

Exit codes: 0 written, 2 usage error or the files exist already.
`;

/** `pseud keys`. */
export async function keysCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({ args: [...args], options: { force: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true }),
  );
  if (values.help) {
    io.out(KEYS_HELP);
    return 0;
  }
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) throw new UsageError("expected one name: pseud keys <name>");
  const secretPath = resolve(io.cwd, `${name}.key`);
  const publicPath = resolve(io.cwd, `${name}.pub`);
  const existing = [secretPath, publicPath].filter((p) => existsSync(p));
  if (existing.length > 0 && !values.force) throw new UsageError(`${existing.join(" and ")} exist${existing.length === 1 ? "s" : ""}; use --force to overwrite`);
  const folder = dirname(secretPath);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`cannot write ${name}.key: ${folder} is not a folder`);
  const pair = generateKeyPair();
  writeFileSync(secretPath, `${pair.secretKey}\n`, { mode: 0o600 });
  chmodSync(secretPath, 0o600); // writeFileSync's mode applies only to a new file
  writeFileSync(publicPath, `${pair.publicKey}\n`);
  io.out(`wrote ${name}.key (secret, mode 0600) and ${name}.pub\n`);
  return 0;
}
