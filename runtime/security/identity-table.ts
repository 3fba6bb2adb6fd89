/**
 * Who each connected routing id is. A binding is made by a verified HELLO
 * and forgotten when its connection goes (ROUTER_NOTIFY), so a peer that
 * later connects under the same routing id is a stranger again.
 */
export class IdentityTable {
  private readonly byRoutingId = new Map<string, string>();
  private readonly byIdentity = new Map<string, Set<string>>();

  /** Binds a routing id to an identity. One identity may have several connections. */
  bind(routingId: Buffer, identity: string): void {
    const key = routingId.toString("latin1");
    this.forget(routingId);
    this.byRoutingId.set(key, identity);
    let set = this.byIdentity.get(identity);
    if (set === undefined) this.byIdentity.set(identity, (set = new Set()));
    set.add(key);
  }

  identityOf(routingId: Buffer): string | undefined {
    return this.byRoutingId.get(routingId.toString("latin1"));
  }

  /** The routing id of the identity's most recent connection. */
  routingIdOf(identity: string): Buffer | undefined {
    const set = this.byIdentity.get(identity);
    const last = set === undefined ? undefined : [...set].at(-1);
    return last === undefined ? undefined : Buffer.from(last, "latin1");
  }

  forget(routingId: Buffer): void {
    const key = routingId.toString("latin1");
    const identity = this.byRoutingId.get(key);
    if (identity === undefined) return;
    this.byRoutingId.delete(key);
    const set = this.byIdentity.get(identity);
    set?.delete(key);
    if (set?.size === 0) this.byIdentity.delete(identity);
  }
}
