import type { IrType } from "./types.js";

/**
 * A union in canonical form: nested unions flattened, duplicates dropped,
 * string literals and enums merged into one enum in the order written (two
 * or more strings; one is a literal), `true | false` folded into `boolean`,
 * other members in a fixed order. The two readers meet their languages'
 * different union orders here, so equal schemas give equal IR. A union of
 * one is that one.
 */
export function union(members: readonly IrType[]): IrType {
  const flat = members.flatMap((m) => (m.kind === "union" ? m.members : [m]));
  const strings = [
    ...new Set(flat.flatMap((m) => (m.kind === "enum" ? m.values : m.kind === "literal" && typeof m.value === "string" ? [m.value] : []))),
  ];
  const others = flat.filter((m) => m.kind !== "enum" && !(m.kind === "literal" && typeof m.value === "string"));
  const [onlyString] = strings;
  if (strings.length > 1) others.push({ kind: "enum", values: strings });
  else if (onlyString !== undefined) others.push({ kind: "literal", value: onlyString });
  const byKey = new Map(others.map((m) => [typeKey(m), m] as const));
  if (byKey.has(typeKey(TRUE)) && byKey.has(typeKey(FALSE))) {
    byKey.delete(typeKey(TRUE));
    byKey.delete(typeKey(FALSE));
    byKey.set(typeKey(BOOLEAN), BOOLEAN);
  }
  if (byKey.has(typeKey(BOOLEAN))) {
    byKey.delete(typeKey(TRUE));
    byKey.delete(typeKey(FALSE));
  }
  // Fixed order: by text form, but null last, as people write `T | null`.
  const order = ([key]: [string, IrType]) => (key === typeKey(NULL) ? `~${key}` : key);
  const sorted = [...byKey.entries()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)).map(([, m]) => m);
  const [only] = sorted;
  return sorted.length === 1 && only !== undefined ? only : { kind: "union", members: sorted };
}

/** A stable text form of a type, for ordering and equality. */
export function typeKey(type: IrType): string {
  return JSON.stringify(type);
}

const TRUE: IrType = { kind: "literal", value: true };
const FALSE: IrType = { kind: "literal", value: false };
const BOOLEAN: IrType = { kind: "primitive", name: "boolean" };
const NULL: IrType = { kind: "primitive", name: "null" };
