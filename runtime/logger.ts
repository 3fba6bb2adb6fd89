/**
 * The one logging interface of the runtime. Inject your own (pino, winston…)
 * through the `logger` option of a Server or Client.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Structured context of a log line: the peer, the fault, the method… */
export type LogFields = Readonly<Record<string, unknown>>;

/** Logs nothing. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** A log level; a logger shows its own level and those after it. */
export type LogLevel = (typeof LEVELS)[number];

/**
 * Writes `pseud <level> <message> <fields as JSON>` lines to stderr, from
 * `level` on. The default logger of every peer is `consoleLogger("warn")`, so
 * dropped messages are seen.
 */
export function consoleLogger(level: LogLevel = "warn"): Logger {
  const from = LEVELS.indexOf(level);
  const line = (at: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS.indexOf(at) < from) return;
    const tail = fields === undefined ? "" : ` ${safeJson(fields)}`;
    process.stderr.write(`pseud ${at} ${message}${tail}\n`);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** JSON for log fields: Buffers as hex, bigints as text, errors by message; never throws. */
function safeJson(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
      if (isBufferJson(value)) return Buffer.from(value.data).toString("hex");
      return value;
    });
  } catch {
    return "{}";
  }
}

/** Buffer.prototype.toJSON runs before the replacer sees a Buffer. */
function isBufferJson(value: unknown): value is { type: "Buffer"; data: number[] } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "Buffer";
}
