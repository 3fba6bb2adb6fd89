import { RoutingIdMap } from "../transport/routing-id-map.js";
import type { HeartbeatHost, HeartbeatPlugin } from "./plugin.js";

/** The interval plugin's defaults: a HEARTBEAT a second; a peer silent for three is gone. */
export const DEFAULT_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_MISSED = 3;

interface Watched {
  readonly peer: Buffer;
  /** The last sign of life: any message. */
  lastSeen: number;
  /** When its last HEARTBEAT came, if one has. */
  lastHeartbeat: number | undefined;
  /** Its own rhythm: the shorter of the gaps between its last three HEARTBEATs (one gap until there are two); undefined until known. */
  peerIntervalMs: number | undefined;
  /** The gap between its last two HEARTBEATs: when its next is due (the answering, below). */
  lastGapMs: number | undefined;
  /** Declared lost; kept, rhythm and all, so that a peer that comes back is held to its deadline at once. */
  lost: boolean;
  /** Watched through `watch()`: a peer this one connected to (a client's server), whose HEARTBEATs it answers. */
  follows: boolean;
  /** When this plugin last sent it a HEARTBEAT. */
  lastSent: number;
  /** That HEARTBEAT answered one of the peer's (the sweep leaves the peer to its prompts while this holds). */
  answered: boolean;
}

/**
 * The default plugin: every `intervalMs`, one sweep over every watched peer
 * sends each a HEARTBEAT and declares gone those silent for more than
 * `maxMissed` of their own intervals; two peers configured alike find each
 * other stopped within `intervalMs × (maxMissed + 1)`. Any message counts as
 * a sign of life.
 *
 * A peer is held to a deadline only once it heartbeats itself, and by its own
 * rhythm (the shorter of the gaps between its last three HEARTBEATs, never
 * less than this plugin's interval): the reference's peers do not heartbeat
 * by default, and a peer that heartbeats less often than we do is not dead
 * for it. The shorter of two, so that one HEARTBEAT that came late (its own
 * was answering one of ours that was lost) does not loosen the deadline. A
 * peer declared lost stays known, with its rhythm, until the host forgets it
 * (its connection closed): if it speaks again it is watched again at once,
 * so its next stop is found like its first.
 *
 * A peer this one connected to (`watch`: a client's server) is answered:
 * its HEARTBEAT gets ours at once, and the sweep sends it none while our
 * last was such an answer within the interval, or while its next is about
 * to come (see `prompted`). So a server's clients heartbeat right after its
 * sweep, all together, and it reads them in a few wake-ups of its threads
 * instead of one per client spread over the interval (see the README,
 * heartbeats at scale). An answer goes half an interval after our last
 * HEARTBEAT at the soonest, and to a peer that heartbeats faster than we do
 * only at its prompt nearest our next's due time: one per interval to a
 * peer of our rhythm, at most 1.5 to a faster one (see `answerGap`). The
 * peers we did not connect to are never answered (but for a newcomer's
 * first HEARTBEAT), so two peers never answer each other back and forth.
 * The price: after a HEARTBEAT of the followed peer that was lost or late,
 * ours comes as much later (an interval at most).
 *
 * Silence is measured on this process's running time: a sweep that comes a
 * whole interval late or more (this process was stopped, or its event loop
 * blocked) first credits every peer with the delay, since their messages
 * could not be read meanwhile; a peer that really died is found one deadline
 * later.
 */
export class IntervalHeartbeat implements HeartbeatPlugin {
  readonly name = "interval";
  private readonly watched = new RoutingIdMap<Watched>((entry) => entry.peer);
  private timer: NodeJS.Timeout | undefined;
  private host: HeartbeatHost | undefined;
  private lastSweep = 0;
  /** Set by a sweep that came a whole interval late or more, until the next one (see `alive`). */
  private catchingUp = false;

  constructor(
    readonly intervalMs = DEFAULT_INTERVAL_MS,
    readonly maxMissed = DEFAULT_MAX_MISSED,
  ) {
    if (!(intervalMs > 0) || !Number.isInteger(maxMissed) || maxMissed < 1)
      throw new RangeError("heartbeat intervalMs must be > 0 and maxMissed a whole number ≥ 1");
  }

  start(host: HeartbeatHost): void {
    this.host = host;
    this.lastSweep = Date.now();
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    this.timer.unref(); // heartbeats alone do not keep a process alive
  }

  alive(peer: Buffer, heartbeat: boolean): void {
    const now = Date.now();
    let entry = this.watched.get(peer);
    if (entry === undefined) {
      if (!heartbeat) return;
      entry = this.add(peer, false); // a peer that heartbeats: heartbeat it back at once
    }
    entry.lastSeen = now;
    const wasLost = entry.lost;
    // Any message brings a lost peer back; the gap across its silence is no rhythm, so its last rhythm stands.
    entry.lost = false;
    if (!heartbeat) return;
    if (this.catchingUp || now - this.lastSweep >= 2 * this.intervalMs) {
      // This process was stalled, and is reading what queued meanwhile: HEARTBEATs that come in a burst, whose gaps
      // are no rhythm (a slower peer's would read as about 0 and hold it to our interval). Its rhythm stands, and is
      // measured afresh from the HEARTBEATs after the next sweep.
      entry.lastHeartbeat = undefined;
    } else {
      if (!wasLost && entry.lastHeartbeat !== undefined) {
        const gap = now - entry.lastHeartbeat;
        entry.peerIntervalMs = Math.min(gap, entry.lastGapMs ?? gap);
        entry.lastGapMs = gap;
      }
      entry.lastHeartbeat = now;
    }
    if (entry.follows && this.since(entry, now) >= this.answerGap(entry)) this.send(entry, now, true);
  }

  watch(peer: Buffer): void {
    const entry = this.watched.get(peer);
    if (entry === undefined) {
      this.add(peer, true);
      return;
    }
    entry.follows = true;
    if (entry.lost) {
      entry.lost = false;
      entry.lastSeen = Date.now();
    }
  }

  forget(peer: Buffer): void {
    this.watched.delete(peer);
  }

  stop(): void {
    clearInterval(this.timer);
    this.watched.clear();
  }

  private add(peer: Buffer, follows: boolean): Watched {
    const now = Date.now();
    const entry: Watched = { peer: Buffer.from(peer), lastSeen: now, lastHeartbeat: undefined, peerIntervalMs: undefined, lastGapMs: undefined, lost: false, follows, lastSent: now, answered: false };
    this.watched.set(entry);
    this.send(entry, now);
    return entry;
  }

  private send(entry: Watched, now: number, answer = false): void {
    entry.lastSent = now;
    entry.answered = answer;
    this.host?.send(entry.peer);
  }

  /** Ms since our last HEARTBEAT to a peer; a wall clock stepped back since makes it long ago, so that no peer falls silent for the step. */
  private since(entry: Watched, now: number): number {
    const ms = now - entry.lastSent;
    return ms < 0 ? Number.POSITIVE_INFINITY : ms;
  }

  /**
   * How long after our last HEARTBEAT to a followed peer its next is
   * answered: once the prompt is the one nearest our next's due time (its
   * gap before the due time no longer than half its rhythm after), and half
   * an interval at the soonest. So a peer of our rhythm is answered every
   * time, and a faster one about once per interval (at most 1.5 times, for a
   * peer at two thirds of ours).
   */
  private answerGap(entry: Watched): number {
    return Math.max(this.intervalMs / 2, this.intervalMs - (entry.lastGapMs ?? this.intervalMs) / 2);
  }

  /**
   * Whether the sweep leaves a followed peer to its prompts: our last
   * HEARTBEAT to it answered one of its, within the interval; or, by its
   * rhythm, its next comes within half an interval and will be answered (so
   * a client whose sweep falls just before its server's moves to the
   * server's). A prompt that then does not come (lost, late) leaves the
   * next sweep to send.
   */
  private prompted(entry: Watched, now: number): boolean {
    if (!entry.follows) return false;
    const since = this.since(entry, now);
    if (entry.answered && since < this.intervalMs) return true;
    if (entry.lastHeartbeat === undefined || entry.lastGapMs === undefined) return false;
    const untilNext = entry.lastHeartbeat + entry.lastGapMs - now;
    return untilNext > 0 && untilNext <= this.intervalMs / 2 && since + untilNext >= this.answerGap(entry);
  }

  /** One pass over every watched peer: the only timer, whatever the number of peers. */
  private sweep(): void {
    const now = Date.now();
    const late = now - this.lastSweep - this.intervalMs;
    this.lastSweep = now;
    this.catchingUp = late >= this.intervalMs; // a whole interval late: this process was stalled
    for (const entry of this.watched.values()) {
      if (entry.lost) {
        // Still heartbeated: if both sides declared each other lost (a partition of a connection that stayed open), the first to hear the other brings it back.
        this.send(entry, now);
        continue;
      }
      if (this.catchingUp) credit(entry, late, now); // a stall, not a timer's usual lateness
      const rhythm = entry.peerIntervalMs;
      if (rhythm !== undefined && now - entry.lastSeen > Math.max(this.intervalMs, rhythm) * this.maxMissed) {
        entry.lost = true;
        this.host?.lost(entry.peer);
      } else if (!this.prompted(entry, now)) {
        this.send(entry, now);
      }
    }
  }
}

/** Takes `late` ms of this process's own stall out of a peer's silence, and out of the gap its next HEARTBEAT will measure. */
function credit(entry: Watched, late: number, now: number): void {
  entry.lastSeen = Math.min(now, entry.lastSeen + late);
  if (entry.lastHeartbeat !== undefined) entry.lastHeartbeat = Math.min(now, entry.lastHeartbeat + late);
}
