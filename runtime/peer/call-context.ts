/** What a handler may know about the call it is serving. */
export interface CallContext {
  /** The routing id of the calling peer as this socket sees it; `server.sendTo(ctx.peer)` calls it back. */
  readonly peer: Buffer;
  /** The wire name that was called. */
  readonly method: string;
  /** The MESSAGE_ID of the WORK. */
  readonly messageId: Buffer;
  /** The caller's authenticated identity, once an authentication plugin has bound one; else undefined. */
  readonly identity: string | undefined;
}

/** Decides whether a domain admits a caller. The default domain admits everyone. */
export type Predicate = (context: CallContext) => boolean | Promise<boolean>;

/** The domain of registrations made without one; its predicate admits every caller. */
export const DEFAULT_DOMAIN = "default";
