import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { RULE_IDS, type RuleId } from "./breaking/rules.js";
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
  /** Deliberate breaking changes `pseud breaking` lets through, each with its reason. */
  readonly breaking: { readonly allow: readonly AllowedBreak[] };
}

/** A deliberate break: a rule, optionally on one subject only (`greeter.hello`), and why it is fine. */
export interface AllowedBreak {
  readonly rule: RuleId;
  /** `greeter`, `greeter.hello` or `greeter.hello(name)`; every subject when left out. */
  readonly subject?: string;
  readonly reason: string;
}

/** A config and the root its paths are relative to. */
export interface ResolvedConfig extends PseudConfig {
  readonly root: string;
}

const DEFAULTS: PseudConfig = { schemas: ["schemas/**/*.ts"], out: "generated", importExtension: ".js", breaking: { allow: [] } };

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
    if (!["schemas", "out", "importExtension", "breaking"].includes(key)) throw new ConfigError(`${path}: unknown key ${JSON.stringify(key)}`);
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
  if (raw.breaking !== undefined) out.breaking = { allow: parseAllowList(raw.breaking, path) };
  return out;
}

function parseAllowList(value: unknown, path: string): AllowedBreak[] {
  const allow = (value as { allow?: unknown } | null)?.allow;
  if (typeof value !== "object" || value === null || !Array.isArray(allow))
    throw new ConfigError(`${path}: "breaking" must be { "allow": [{ "rule", "subject"?, "reason" }] }`);
  return allow.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.rule !== "string" || !(RULE_IDS as string[]).includes(e.rule))
      throw new ConfigError(`${path}: breaking.allow[${i}].rule must be a rule ID (see pseud breaking --help)`);
    if (typeof e.reason !== "string" || e.reason.trim() === "")
      throw new ConfigError(`${path}: breaking.allow[${i}] needs a "reason": say why this break is deliberate`);
    if (e.subject !== undefined && typeof e.subject !== "string") throw new ConfigError(`${path}: breaking.allow[${i}].subject must be a string`);
    return { rule: e.rule as RuleId, reason: e.reason, ...(typeof e.subject === "string" ? { subject: e.subject } : {}) };
  });
}

/** `.js`, `.ts`, or `none` (written as "" in the config). */
export function parseImportExtension(value: unknown, where: string): ImportExtension {
  if (value === ".js" || value === ".ts" || value === "") return value;
  if (value === "none") return "";
  throw new ConfigError(`${where}: import extension must be ".js", ".ts" or "none", not ${JSON.stringify(value)}`);
}
