/**
 * Whether two short byte strings (a version frame, a message id, a routing
 * id) are equal. A loop in JavaScript: `Buffer.equals` crosses into C++ for
 * each comparison, which costs three to eight times as much at these sizes,
 * and a reply is matched by two of them.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
