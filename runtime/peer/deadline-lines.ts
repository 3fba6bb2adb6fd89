/**
 * Deadlines without a timer each: deadlines of one length ("a line": every
 * call with a 5,000 ms timeout) fall due in the order they were set, so one
 * timer per line, set for its earliest deadline, serves them all; a deadline
 * cancelled first is skipped when its time comes. Timers are unref'd: a
 * pending deadline alone does not keep a process alive. Memory stays within
 * about twice the live deadlines (plus 64) per line.
 *
 * A deadline is its own handle, so cancelling one is a flag and a count,
 * with no set of keys to add to and delete from on every call (see LazyMap
 * for what such churn costs).
 */
export class DeadlineLines<K> {
  private readonly lines = new Map<number, Line<K>>();

  constructor(private readonly due: (key: K) => void) {}

  /** `due(key)` runs `ms` from now, unless `cancel` gets the returned deadline first. */
  set(key: K, ms: number): Deadline<K> {
    let line = this.lines.get(ms);
    if (line === undefined) {
      line = { ms, entries: [], head: 0, live: 0, timer: undefined };
      this.lines.set(ms, line);
    }
    const deadline: Deadline<K> = { key, at: Date.now() + ms, line, live: true };
    line.entries.push(deadline);
    line.live++;
    if (line.timer === undefined) this.arm(line);
    return deadline;
  }

  /**
   * Forgets a deadline; nothing if it came or was cancelled already. A line
   * left with nothing to time keeps its timer until it fires (and is dropped
   * then): at one call at a time, every call would otherwise create and
   * clear a timer, and Node's timer list for that length with it.
   */
  cancel(deadline: Deadline<K>): void {
    if (!deadline.live) return;
    deadline.live = false;
    const line = deadline.line;
    line.live--;
    if (line.entries.length - line.head > 2 * line.live + 64) compact(line);
  }

  private arm(line: Line<K>): void {
    const next = line.entries[line.head];
    if (next === undefined) return this.drop(line);
    // A `due` callback that sets a deadline of the same length arms the line during fire(), which arms it again after.
    clearTimeout(line.timer);
    line.timer = setTimeout(() => this.fire(line), Math.max(0, next.at - Date.now()));
    line.timer.unref();
  }

  private fire(line: Line<K>): void {
    line.timer = undefined;
    const now = Date.now();
    for (let deadline = line.entries[line.head]; deadline !== undefined && deadline.at <= now; deadline = line.entries[line.head]) {
      line.head++;
      if (!deadline.live) continue;
      deadline.live = false;
      line.live--;
      this.due(deadline.key);
    }
    if (line.live === 0) return this.drop(line);
    if (line.head > 1024 && line.head > line.entries.length / 2) compact(line);
    this.arm(line);
  }

  private drop(line: Line<K>): void {
    clearTimeout(line.timer);
    if (this.lines.get(line.ms) === line) this.lines.delete(line.ms);
  }
}

/** One deadline, as {@link DeadlineLines.set} returns it. */
export interface Deadline<K> {
  readonly key: K;
  readonly at: number;
  readonly line: Line<K>;
  /** Still to come: neither due nor cancelled. */
  live: boolean;
}

/** The deadlines of one length, and its timer. */
export interface Line<K> {
  readonly ms: number;
  /** Deadlines in the order set, which is the order due; those before `head` are past. */
  entries: Deadline<K>[];
  head: number;
  /** How many of `entries` are live. */
  live: number;
  timer: NodeJS.Timeout | undefined;
}

/** Forgets past and cancelled entries. */
function compact<K>(line: Line<K>): void {
  line.entries = line.entries.slice(line.head).filter((deadline) => deadline.live);
  line.head = 0;
}
