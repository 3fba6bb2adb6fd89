import type { HeartbeatHost, HeartbeatPlugin } from "./plugin.js";

/** The interval plugin's defaults: a HEARTBEAT a second; a peer silent for three is gone. */
export const DEFAULT_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_MISSED = 3;

interface Watched {
  readonly peer: Buffer;
  lastSeen: number;
  /** Held to the deadline: it has heartbeated itself. */
  heartbeats: boolean;
}

/**
 * The default plugin: every `intervalMs`, one sweep over every watched peer
 * sends each a HEARTBEAT and declares gone those silent for more than
 * `maxMissed` intervals, so a stopped peer is found within
 * `intervalMs × (maxMissed + 1)`. Any message counts as a sign of life.
 *
 * A peer is heartbeated once it has sent a HEARTBEAT itself, or when asked
 * (a client heartbeats its server), and held to the deadline only once it
 * has heartbeated: the reference's peers do not heartbeat by default, and an
 * idle one must not be taken for dead.
 */
export class IntervalHeartbeat implements HeartbeatPlugin {
  readonly name = "interval";
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private host: HeartbeatHost | undefined;

  constructor(
    readonly intervalMs = DEFAULT_INTERVAL_MS,
    readonly maxMissed = DEFAULT_MAX_MISSED,
  ) {
    if (!(intervalMs > 0) || !Number.isInteger(maxMissed) || maxMissed < 1)
      throw new RangeError("heartbeat intervalMs must be > 0 and maxMissed a whole number ≥ 1");
  }

  start(host: HeartbeatHost): void {
    this.host = host;
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    this.timer.unref(); // heartbeats alone do not keep a process alive
  }

  alive(peer: Buffer, heartbeat: boolean): void {
    const key = peer.toString("latin1");
    const entry = this.watched.get(key);
    if (entry !== undefined) {
      entry.lastSeen = Date.now();
      entry.heartbeats ||= heartbeat;
    } else if (heartbeat) {
      this.watched.set(key, { peer: Buffer.from(peer), lastSeen: Date.now(), heartbeats: true });
    }
  }

  watch(peer: Buffer): void {
    const key = peer.toString("latin1");
    if (!this.watched.has(key)) this.watched.set(key, { peer: Buffer.from(peer), lastSeen: Date.now(), heartbeats: false });
  }

  forget(peer: Buffer): void {
    this.watched.delete(peer.toString("latin1"));
  }

  stop(): void {
    clearInterval(this.timer);
    this.watched.clear();
  }

  /** One pass over every watched peer: the only timer, whatever the number of peers. */
  private sweep(): void {
    const deadline = Date.now() - this.intervalMs * this.maxMissed;
    for (const [key, entry] of this.watched) {
      if (entry.heartbeats && entry.lastSeen < deadline) {
        this.watched.delete(key);
        this.host?.lost(entry.peer);
      } else {
        this.host?.send(entry.peer);
      }
    }
  }
}
