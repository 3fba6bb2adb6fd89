import { describe, expect, it } from "vitest";
import { MAX_LOG_FIELD_LENGTH } from "pseud";
import { type LimiterClock, rateLimitedLogger, SUPPRESSED_MESSAGE } from "../../runtime/rate-limited-logger.js";
import { RecordingLogger } from "../helpers.js";

/** A clock the test moves by hand; timers fire when it passes their time. */
class FakeClock implements LimiterClock {
  private time = 1_000_000;
  private timers: { at: number; run: () => void }[] = [];
  now(): number {
    return this.time;
  }
  later(ms: number, run: () => void): void {
    this.timers.push({ at: this.time + ms, run });
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  /** Moves time on; `fireTimers: false` plays timers that run late. */
  advance(ms: number, fireTimers = true): void {
    this.time += ms;
    if (!fireTimers) return;
    const due = this.timers.filter((timer) => timer.at <= this.time);
    this.timers = this.timers.filter((timer) => timer.at > this.time);
    for (const timer of due) timer.run();
  }
}

function setup(burst = 3, intervalMs = 1_000) {
  const recorder = new RecordingLogger();
  const clock = new FakeClock();
  const logger = rateLimitedLogger(recorder, { burst, intervalMs }, clock);
  const summaries = () => recorder.lines.filter((line) => line.message === SUPPRESSED_MESSAGE);
  const passed = (message: string) => recorder.lines.filter((line) => line.message === message);
  return { recorder, clock, logger, summaries, passed };
}

describe("rate-limited logger", () => {
  it("writes `burst` lines of a kind per interval; one summary at the interval's end counts the rest", () => {
    const { clock, logger, summaries, passed } = setup(3, 1_000);
    for (let i = 0; i < 100; i++) logger.warn("message dropped", { fault: "VERSION", i });
    expect(passed("message dropped").map((line) => line.fields.i)).toEqual([0, 1, 2]);
    expect(summaries()).toHaveLength(0);
    expect(clock.pendingTimers).toBe(1); // one timer per interval, not one per suppressed line
    clock.advance(999);
    expect(summaries()).toHaveLength(0);
    clock.advance(1);
    expect(summaries()).toEqual([
      { level: "warn", message: SUPPRESSED_MESSAGE, fields: { message: "message dropped", fault: "VERSION", suppressed: 97, intervalMs: 1_000 } },
    ]);
    // The next interval starts afresh.
    for (let i = 0; i < 4; i++) logger.warn("message dropped", { fault: "VERSION", i });
    expect(passed("message dropped")).toHaveLength(6);
    clock.advance(1_000);
    expect(summaries().map((line) => line.fields.suppressed)).toEqual([97, 1]);
  });

  it("counts kinds apart: by level, message and fault", () => {
    const { logger, passed, recorder } = setup(2);
    for (let i = 0; i < 10; i++) {
      logger.warn("message dropped", { fault: "VERSION" });
      logger.warn("message dropped", { fault: "TYPE" });
      logger.warn("reply dropped");
      logger.error("reply dropped");
    }
    expect(recorder.withFault("VERSION")).toHaveLength(2);
    expect(recorder.withFault("TYPE")).toHaveLength(2);
    expect(passed("reply dropped").map((line) => line.level)).toEqual(["warn", "error", "warn", "error"]);
  });

  it("summarizes at the summarized lines' level, and without a fault when they had none", () => {
    const { clock, logger, summaries } = setup(1);
    logger.error("handler threw");
    logger.error("handler threw");
    clock.advance(1_000);
    expect(summaries()).toEqual([{ level: "error", message: SUPPRESSED_MESSAGE, fields: { message: "handler threw", suppressed: 1, intervalMs: 1_000 } }]);
  });

  it("writes no summary when nothing was suppressed", () => {
    const { clock, logger, summaries } = setup(3);
    for (let i = 0; i < 3; i++) logger.warn("message dropped");
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5_000);
    expect(summaries()).toHaveLength(0);
  });

  it("a late timer: the next line of the kind writes the summary first, and it is written once", () => {
    const { clock, logger, recorder } = setup(1);
    logger.warn("message dropped", { n: 1 });
    logger.warn("message dropped", { n: 2 });
    clock.advance(1_500, false);
    logger.warn("message dropped", { n: 3 });
    expect(recorder.lines.map((line) => [line.message, line.fields.n ?? line.fields.suppressed])).toEqual([
      ["message dropped", 1],
      [SUPPRESSED_MESSAGE, 1],
      ["message dropped", 3],
    ]);
    clock.advance(0); // the late timer fires now: its interval was already summarized
    expect(recorder.lines).toHaveLength(3);
  });

  it("cuts long strings and byte arrays in fields at every level, and says how long they were", () => {
    const { logger, recorder } = setup(100);
    const long = "x".repeat(10_000);
    const bytes = new Uint8Array(1_000).fill(0xab);
    const small = Buffer.from("0102", "hex");
    logger.debug("d", { long });
    logger.info("i", { long });
    logger.warn("w", { long, bytes, small, n: 5 });
    logger.error("e", { bytes });
    const [debug, info, warn, error] = recorder.lines;
    expect(debug?.fields.long).toBe(`${"x".repeat(MAX_LOG_FIELD_LENGTH)}… (10000 characters)`);
    expect(info?.fields.long).toBe(debug?.fields.long);
    expect(warn?.fields).toEqual({ long: debug?.fields.long, bytes: `${"ab".repeat(MAX_LOG_FIELD_LENGTH / 2)}… (1000 bytes)`, small, n: 5 });
    expect(error?.fields.bytes).toBe(warn?.fields.bytes);
  });

  it("passes short fields through as the same object", () => {
    const { logger, recorder } = setup();
    const fields = { peer: Buffer.from("abc"), detail: "short" };
    logger.warn("w", fields);
    expect(recorder.lines[0]?.fields).toBe(fields);
  });
});
