import { type HeartbeatPlugin, IntervalHeartbeat } from "pseud";

/** An interval heartbeat plugin that also tells when it has heard HEARTBEATs. */
export interface HeardHeartbeat {
  readonly plugin: HeartbeatPlugin;
  /** Resolves once `count` more HEARTBEATs have come in, from any peer. */
  heard(count: number): Promise<void>;
  /**
   * Resolves once the other side's rhythm is known here: a peer is held to a
   * deadline from its second HEARTBEAT, and no public event says so.
   */
  rhythmKnown(): Promise<void>;
}

/** The interval plugin with these settings, counting the HEARTBEATs it hears, so that tests await them instead of sleeping. */
export function heardHeartbeat(settings: { readonly intervalMs: number; readonly maxMissed: number }): HeardHeartbeat {
  const inner = new IntervalHeartbeat(settings.intervalMs, settings.maxMissed);
  let total = 0;
  const waiters: { until: number; resolve: () => void }[] = [];
  const plugin: HeartbeatPlugin = {
    name: inner.name,
    start: (host) => inner.start(host),
    alive(peer, heartbeat) {
      inner.alive(peer, heartbeat);
      if (!heartbeat) return;
      total++;
      for (const waiter of waiters.filter((w) => w.until <= total)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    watch: (peer) => inner.watch(peer),
    forget: (peer) => inner.forget(peer),
    stop: () => inner.stop(),
  };
  const heard = (count: number) => new Promise<void>((resolve) => waiters.push({ until: total + count, resolve }));
  return { plugin, heard, rhythmKnown: () => heard(2) };
}
