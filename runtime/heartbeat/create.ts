import { IntervalHeartbeat } from "./interval.js";
import type { HeartbeatOptions, HeartbeatPlugin } from "./plugin.js";

/** The plugin for heartbeat options; undefined for none. The default is the interval plugin with its defaults. */
export function heartbeatPlugin(options: HeartbeatOptions | undefined): HeartbeatPlugin | undefined {
  if (options === undefined) return new IntervalHeartbeat();
  if ("start" in options) return options;
  switch (options.plugin) {
    case "interval":
      return new IntervalHeartbeat(options.intervalMs, options.maxMissed);
    case "none":
      return undefined;
    default:
      throw new TypeError(`unknown heartbeat plugin ${JSON.stringify((options as { plugin: unknown }).plugin)}`);
  }
}
