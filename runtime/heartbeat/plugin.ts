/**
 * What a heartbeat plugin may do with the peer it runs in: send a HEARTBEAT
 * to one peer, and declare a peer gone.
 */
export interface HeartbeatHost {
  send(peer: Buffer): void;
  /** The peer fell silent. Its connection may still be open: if it speaks again (`alive`), it is watched again. */
  lost(peer: Buffer): void;
}

/**
 * A heartbeat policy, as the reference's IHeartbeatBackend: it hears every
 * sign of life (`alive`, `handle_heartbeat` there), decides when a peer is
 * gone (`handle_timeout`), and is started (`configure`) and stopped. It must
 * not keep a timer per peer, and never shares one with call timeouts: a
 * handler that runs for a minute does not make anyone look dead.
 */
export interface HeartbeatPlugin {
  readonly name: string;
  start(host: HeartbeatHost): void;
  /** A peer showed a sign of life: a HEARTBEAT (`heartbeat` true) or any other message. */
  alive(peer: Buffer, heartbeat: boolean): void;
  /** Heartbeats a peer before it has said anything (a client, its server), without holding it to a deadline until it heartbeats; watches again a peer declared lost. */
  watch(peer: Buffer): void;
  /** A peer left by other means (its connection closed): forget it, lost or not. */
  forget(peer: Buffer): void;
  stop(): void;
}

/** Heartbeat options, by plugin name; or a plugin of your own. */
export type HeartbeatOptions =
  | { readonly plugin: "interval"; readonly intervalMs?: number; readonly maxMissed?: number }
  | { readonly plugin: "none" }
  | HeartbeatPlugin;
