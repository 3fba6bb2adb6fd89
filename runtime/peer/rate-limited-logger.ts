import type { LogFields, Logger } from "../logger.js";

interface Window {
  startedAt: number;
  lines: number;
  suppressed: number;
}

/**
 * A logger that passes at most `perSecond` lines of each kind (each message
 * text) per second to the logger it wraps. What a peer sends decides how
 * often a drop or a failed handler is logged, so without a bound a flood of
 * bad messages is a flood of log lines. Lines held back are counted, and the
 * count rides on the next line of that kind as `suppressed`.
 *
 * Kinds are message texts, which the runtime writes as constants: their
 * number is bounded by the code, not by peers.
 */
export class RateLimitedLogger implements Logger {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly inner: Logger,
    private readonly perSecond: number,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.pass(message, fields, (m, f) => this.inner.debug(m, f));
  }

  info(message: string, fields?: LogFields): void {
    this.pass(message, fields, (m, f) => this.inner.info(m, f));
  }

  warn(message: string, fields?: LogFields): void {
    this.pass(message, fields, (m, f) => this.inner.warn(m, f));
  }

  error(message: string, fields?: LogFields): void {
    this.pass(message, fields, (m, f) => this.inner.error(m, f));
  }

  private pass(message: string, fields: LogFields | undefined, write: (message: string, fields?: LogFields) => void): void {
    const now = Date.now();
    let window = this.windows.get(message);
    if (window === undefined) this.windows.set(message, (window = { startedAt: now, lines: 0, suppressed: 0 }));
    if (now - window.startedAt >= 1_000) {
      window.startedAt = now;
      window.lines = 0;
    }
    if (window.lines >= this.perSecond) {
      window.suppressed++;
      return;
    }
    window.lines++;
    if (window.suppressed === 0) return write(message, fields);
    const suppressed = window.suppressed;
    window.suppressed = 0;
    write(message, { ...fields, suppressed });
  }
}
