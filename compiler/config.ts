import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ImportExtension } from "./emit/service-file.js";

/** The name of the config file `gen` and `check` read when no --config is given. */
export const CONFIG_FILE = "pseud.config.json";

/** What gen and check work on. Paths are relative to the config file's folder (the project root). */
export interface PseudConfig {
  /** Globs of schema files. */
  readonly schemas: readonly string[];
  /** Where generated files go. */
  readonly out: string;
  /** How generated files import each other (`.js` for NodeNext projects). */
  readonly importExtension: ImportExtension;
}

/** A config and the root its paths are relative to. */
export interface ResolvedConfig extends PseudConfig {
  readonly root: string;
}

const DEFAULTS: PseudConfig = { schemas: ["schemas/**/*.ts"], out: "generated", importExtension: ".js" };

/** Thrown for a config that cannot be used; the CLI prints it and exits 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the config file (the given one, or pseud.config.json in `cwd` if
 * there is one) and applies flags over it.
 */
export function loadConfig(cwd: string, configPath: string | undefined, flags: Partial<PseudConfig>): ResolvedConfig {
  const path = configPath === undefined ? resolve(cwd, CONFIG_FILE) : resolve(cwd, configPath);
  let fromFile: Partial<PseudConfig> = {};
  if (existsSync(path)) {
    try {
      fromFile = parseConfig(JSON.parse(readFileSync(path, "utf8")) as unknown, path);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`${path}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else if (configPath !== undefined) {
    throw new ConfigError(`${path}: no such config file`);
  }
  const root = existsSync(path) ? dirname(path) : cwd;
  return { ...DEFAULTS, ...fromFile, ...flags, root };
}

function parseConfig(value: unknown, path: string): Partial<PseudConfig> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${path}: must be a JSON object`);
  const raw = value as Record<string, unknown>;
  const out: { -readonly [K in keyof PseudConfig]?: PseudConfig[K] } = {};
  for (const key of Object.keys(raw)) {
    if (!["schemas", "out", "importExtension", "$schema", "breaking"].includes(key)) throw new ConfigError(`${path}: unknown key ${JSON.stringify(key)}`);
  }
  if (raw.schemas !== undefined) {
    if (!Array.isArray(raw.schemas) || !raw.schemas.every((s) => typeof s === "string"))
      throw new ConfigError(`${path}: "schemas" must be an array of globs`);
    out.schemas = raw.schemas as string[];
  }
  if (raw.out !== undefined) {
    if (typeof raw.out !== "string" || raw.out === "") throw new ConfigError(`${path}: "out" must be a folder path`);
    out.out = raw.out;
  }
  if (raw.importExtension !== undefined) out.importExtension = parseImportExtension(raw.importExtension, path);
  return out;
}

/** `.js`, `.ts`, or `none` (written as "" in the config). */
export function parseImportExtension(value: unknown, where: string): ImportExtension {
  if (value === ".js" || value === ".ts" || value === "") return value;
  if (value === "none") return "";
  throw new ConfigError(`${where}: import extension must be ".js", ".ts" or "none", not ${JSON.stringify(value)}`);
}
