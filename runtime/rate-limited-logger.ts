import type { LogFields, Logger } from "./logger.js";

/**
 * How many warnings and errors of one kind are written per interval. A kind
 * is a line's message and its `fault` field: constants of the runtime, never
 * text a peer chose.
 */
export interface LogRateLimit {
  /** Lines of one kind written per interval; default {@link DEFAULT_LOG_BURST}. */
  readonly burst?: number;
  /** The interval, in ms; default {@link DEFAULT_LOG_INTERVAL_MS}. */
  readonly intervalMs?: number;
}

/** Default {@link LogRateLimit.burst}: 10 lines of one kind per interval, then one summary. */
export const DEFAULT_LOG_BURST = 10;

/** Default {@link LogRateLimit.intervalMs}: 10 seconds. A flood of one kind writes at most 11 lines per 10 s. */
export const DEFAULT_LOG_INTERVAL_MS = 10_000;

/**
 * The longest string written in a log field, in characters; byte arrays
 * are shown as at most this many hex digits. Longer values are cut, and say
 * their full length: a field can carry what a peer sent.
 */
export const MAX_LOG_FIELD_LENGTH = 256;

/** The message of the line that counts what an interval suppressed. */
export const SUPPRESSED_MESSAGE = "log lines suppressed";

/** Time as the limiter sees it; tests pass a fake one. */
export interface LimiterClock {
  now(): number;
  /** Runs `run` once, `ms` from now, without keeping the process alive. */
  later(ms: number, run: () => void): void;
}

const systemClock: LimiterClock = {
  now: () => Date.now(),
  later: (ms, run) => {
    setTimeout(run, ms).unref();
  },
};

/** One kind's current interval. */
interface Window {
  readonly start: number;
  passed: number;
  suppressed: number;
  summaryScheduled: boolean;
}

/**
 * Wraps a logger so that what a peer can make it write is bounded: warnings
 * and errors pass at most `burst` per kind per interval, and the rest are
 * counted in one {@link SUPPRESSED_MESSAGE} line at the interval's end (at
 * the level they had, with their message, fault and count); in every line,
 * long strings and byte arrays in the fields are cut to
 * {@link MAX_LOG_FIELD_LENGTH}. Debug and info lines are cut, never dropped.
 * Servers and clients wrap their logger with it.
 */
export function rateLimitedLogger(logger: Logger, limit: LogRateLimit = {}, clock: LimiterClock = systemClock): Logger {
  const burst = limit.burst ?? DEFAULT_LOG_BURST;
  const intervalMs = limit.intervalMs ?? DEFAULT_LOG_INTERVAL_MS;
  const windows = new Map<string, Window>();

  const limited = (level: "warn" | "error") => (message: string, fields?: LogFields) => {
    const fault = typeof fields?.fault === "string" ? fields.fault : undefined;
    const summarize = (window: Window) => {
      if (window.suppressed === 0) return;
      logger[level](SUPPRESSED_MESSAGE, { message, ...(fault === undefined ? {} : { fault }), suppressed: window.suppressed, intervalMs });
      window.suppressed = 0;
    };
    const key = `${level}\u0000${message}\u0000${fault ?? ""}`;
    const now = clock.now();
    let window = windows.get(key);
    if (window === undefined || now - window.start >= intervalMs) {
      if (window !== undefined) summarize(window); // its timer is late
      window = { start: now, passed: 0, suppressed: 0, summaryScheduled: false };
      windows.set(key, window);
    }
    if (window.passed < burst) {
      window.passed++;
      logger[level](message, fields && boundedFields(fields));
      return;
    }
    window.suppressed++;
    if (!window.summaryScheduled) {
      window.summaryScheduled = true;
      const ending = window;
      clock.later(ending.start + intervalMs - now, () => {
        ending.summaryScheduled = false; // a timer a little early leaves the rest of its window to another
        summarize(ending);
      });
    }
  };

  return {
    debug: (message, fields) => logger.debug(message, fields && boundedFields(fields)),
    info: (message, fields) => logger.info(message, fields && boundedFields(fields)),
    warn: limited("warn"),
    error: limited("error"),
  };
}

/** The fields with long strings and byte arrays cut; the same object when none is long. */
function boundedFields(fields: LogFields): LogFields {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    const cut = boundedValue(value);
    if (cut === value) continue;
    out ??= { ...fields };
    out[key] = cut;
  }
  return out ?? fields;
}

function boundedValue(value: unknown): unknown {
  if (typeof value === "string" && value.length > MAX_LOG_FIELD_LENGTH) {
    return `${value.slice(0, MAX_LOG_FIELD_LENGTH)}… (${value.length} characters)`;
  }
  if (value instanceof Uint8Array && value.length * 2 > MAX_LOG_FIELD_LENGTH) {
    const shown = Buffer.from(value.buffer, value.byteOffset, MAX_LOG_FIELD_LENGTH / 2).toString("hex");
    return `${shown}… (${value.length} bytes)`;
  }
  return value;
}
