import { ConfigError, loadConfig, parseImportExtension, type PseudConfig, type ResolvedConfig } from "../config.js";
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from "../diagnostics.js";

/** The options gen and check share. */
export const PROJECT_OPTIONS = {
  config: { type: "string" },
  schema: { type: "string", multiple: true },
  out: { type: "string" },
  "import-extension": { type: "string" },
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const PROJECT_HELP = `Options:
  --config <file>            config file (default: pseud.config.json, if present)
  --schema <glob>            schema files; repeatable (default: schemas/**/*.ts)
  --out <dir>                output folder (default: generated)
  --import-extension <ext>   .js (default), .ts or none: how generated files import each other
  --format <fmt>             diagnostics as text (default), json or github
  -h, --help                 show this help`;

/** Thrown for unusable command-line arguments; the CLI prints it and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Runs a `parseArgs` call, turning its complaints (unknown option, missing value) into a {@link UsageError}. */
export function parse<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The config, with --schema, --out and --import-extension over the config file. */
export function projectConfig(cwd: string, values: Record<string, unknown>): ResolvedConfig {
  const flags: { -readonly [K in keyof PseudConfig]?: PseudConfig[K] } = {};
  if (Array.isArray(values.schema)) flags.schemas = values.schema as string[];
  if (typeof values.out === "string") flags.out = values.out;
  if (values["import-extension"] !== undefined) flags.importExtension = parseImportExtension(values["import-extension"], "--import-extension");
  return loadConfig(cwd, values.config as string | undefined, flags);
}

export function diagnosticFormat(value: unknown): DiagnosticFormat {
  if (value === undefined) return "text";
  if ((DIAGNOSTIC_FORMATS as readonly unknown[]).includes(value)) return value as DiagnosticFormat;
  throw new UsageError(`--format must be one of ${DIAGNOSTIC_FORMATS.join(", ")}`);
}

export { ConfigError };
