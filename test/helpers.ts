import type { Dealer } from "zeromq";
import type { LogFields, Logger } from "pseud";
import { decodeFrames, type Message } from "pseud/protocol";

/**
 * Closers, run after each test newest first (by test/setup.ts), so every
 * socket, child process and temporary folder a test opened is closed.
 */
const cleanups: (() => unknown)[] = [];

/** Closers of what a file's tests share ({@link openForThisFile}), run after the file's last test. */
const fileCleanups: (() => unknown)[] = [];

/** Where {@link closeAfter} and {@link afterThisTest} put closers: the current test's, or the file's while one is opened for it. */
let collecting = cleanups;

/**
 * Runs the current test's closers. Called from the setup file, which vitest
 * runs for every test file: this module is loaded once per worker (the
 * projects do not isolate files), so a hook registered here at import would
 * belong to the first file alone and later files would leak what they open.
 */
export function runCleanups(): Promise<void> {
  return closeAll(cleanups);
}

/** Runs the closers of what the file's tests shared; the setup file calls it after each file. */
export function runFileCleanups(): Promise<void> {
  return closeAll(fileCleanups);
}

/** Empties `closers` and runs them, newest first, one at a time. */
async function closeAll(closers: (() => unknown)[]): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}

/**
 * Opens something the file's tests share (in a `beforeAll`): what `open`
 * registers with {@link closeAfter} or {@link afterThisTest} is closed after
 * the file's last test instead of after the current one.
 */
export async function openForThisFile<T>(open: () => Promise<T>): Promise<T> {
  collecting = fileCleanups;
  try {
    return await open();
  } finally {
    collecting = cleanups;
  }
}

/** Registers something to close after the current test; returns it. */
export function closeAfter<T extends { close(): unknown }>(thing: T): T {
  collecting.push(() => thing.close());
  return thing;
}

/** Runs `fn` after the current test. */
export function afterThisTest(fn: () => unknown): void {
  collecting.push(fn);
}

/** One captured log line. */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps every line, so tests can assert what was logged. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "debug", message, fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: "error", message, fields });
  }
  /** Lines whose fields carry this fault code. */
  withFault(fault: string): LogLine[] {
    return this.lines.filter((line) => line.fields.fault === fault);
  }
  /** Resolves once a line matches, or rejects after `ms`: log lines are written asynchronously to the test. */
  async waitFor(match: (line: LogLine) => boolean, ms = 2_000): Promise<LogLine> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.lines.find(match);
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`no log line matched within ${ms} ms; lines: ${JSON.stringify(this.lines.map((l) => l.message))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A promise and its resolver, for handlers a test releases by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The next message a DEALER receives that decodes (its empty delimiter skipped); a receive timeout rejects. */
export async function nextMessage(dealer: Dealer): Promise<Message> {
  for (;;) {
    const [, ...frames] = await dealer.receive();
    const decoded = decodeFrames(frames);
    if (decoded.ok) return decoded.message;
  }
}
