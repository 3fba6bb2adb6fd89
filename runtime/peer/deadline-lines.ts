/**
 * Deadlines without a timer each: deadlines of one length ("a line": every
 * call with a 5,000 ms timeout) fall due in the order they were set, so one
 * timer per line, set for its earliest deadline, serves them all; a deadline
 * whose owner settled first is skipped when its time comes. Timers are
 * unref'd: a pending deadline alone does not keep a process alive. Memory
 * stays within about twice the live deadlines (plus 64) per line.
 */
export class DeadlineLines<K> {
  private readonly lines = new Map<number, Line<K>>();

  constructor(private readonly due: (key: K) => void) {}

  /** `due(key)` runs `ms` from now, unless `cancel(key)` came first. */
  set(key: K, ms: number): void {
    let line = this.lines.get(ms);
    if (line === undefined) {
      line = { entries: [], head: 0, live: new Set(), timer: undefined };
      this.lines.set(ms, line);
    }
    line.entries.push({ key, at: Date.now() + ms });
    line.live.add(key);
    if (line.timer === undefined) this.arm(ms, line);
  }

  /**
   * Forgets `key`'s deadline. A line left with nothing to time keeps its
   * timer until it fires (and is dropped then): at one call at a time, every
   * call would otherwise create and clear a timer, and Node's timer list for
   * that length with it.
   */
  cancel(key: K, ms: number): void {
    const line = this.lines.get(ms);
    if (line === undefined || !line.live.delete(key)) return;
    if (line.entries.length - line.head > 2 * line.live.size + 64) compact(line);
  }

  private arm(ms: number, line: Line<K>): void {
    const next = line.entries[line.head];
    if (next === undefined) return this.drop(ms, line);
    line.timer = setTimeout(() => this.fire(ms, line), Math.max(0, next.at - Date.now()));
    line.timer.unref();
  }

  private fire(ms: number, line: Line<K>): void {
    line.timer = undefined;
    const now = Date.now();
    for (let entry = line.entries[line.head]; entry !== undefined && entry.at <= now; entry = line.entries[line.head]) {
      line.head++;
      if (line.live.delete(entry.key)) this.due(entry.key);
    }
    if (line.live.size === 0) return this.drop(ms, line);
    if (line.head > 1024 && line.head > line.entries.length / 2) compact(line);
    this.arm(ms, line);
  }

  private drop(ms: number, line: Line<K>): void {
    clearTimeout(line.timer);
    if (this.lines.get(ms) === line) this.lines.delete(ms);
  }
}

interface Line<K> {
  /** Deadlines in the order set, which is the order due; those before `head` are past. */
  entries: { readonly key: K; readonly at: number }[];
  head: number;
  /** Keys whose deadline is still to come and not cancelled. */
  readonly live: Set<K>;
  timer: NodeJS.Timeout | undefined;
}

/** Forgets past and cancelled entries. */
function compact<K>(line: Line<K>): void {
  line.entries = line.entries.slice(line.head).filter((e) => line.live.has(e.key));
  line.head = 0;
}
