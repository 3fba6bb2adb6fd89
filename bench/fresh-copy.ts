/**
 * The frames with the last one copied into memory of its own, not zero-filled
 * first, as pseud's encoder copies a body out: what the copying raw echo pays
 * per message on each side, and any serialiser must.
 */
export function withFreshLast(frames: readonly Buffer[]): Buffer[] {
  const last = frames[frames.length - 1] as Buffer;
  const copy = Buffer.allocUnsafe(last.length);
  copy.set(last);
  return [...frames.slice(0, -1), copy];
}
