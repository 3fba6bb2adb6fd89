import type { IrSchema, IrType } from "../ir/types.js";

/** A type together with the schema its named types resolve in: old and new schemas may define a name differently. */
export interface Typed {
  readonly type: IrType;
  readonly schema: IrSchema;
}

/**
 * Whether every value of `a` is a value of `b` on the wire: structural and
 * recursive over named types, arrays, tuples, records, unions and objects.
 * Terminates on recursive types: a pair already being compared is assumed
 * to hold (the greatest fixed point, as for any coinductive subtyping).
 */
export function isSubtype(a: Typed, b: Typed): boolean {
  return check(a.type, b.type, a.schema, b.schema, new Set());
}

function check(a: IrType, b: IrType, sa: IrSchema, sb: IrSchema, assumed: Set<string>): boolean {
  if (a.kind === "ref" || b.kind === "ref") {
    const key = `${JSON.stringify(a)}<:${JSON.stringify(b)}`;
    if (assumed.has(key)) return true;
    const next = new Set(assumed).add(key);
    return check(resolve(a, sa), resolve(b, sb), sa, sb, next);
  }
  if (a.kind === "union") return a.members.every((m) => check(m, b, sa, sb, assumed));
  if (b.kind === "union") return b.members.some((m) => check(a, m, sa, sb, assumed));
  switch (a.kind) {
    case "void":
      return b.kind === "void" || (b.kind === "primitive" && b.name === "null");
    case "primitive":
      if (b.kind === "void") return a.name === "null";
      if (b.kind !== "primitive") return false;
      return a.name === b.name || (a.name === "integer" && (b.name === "number" || b.name === "bigint"));
    case "literal":
      if (b.kind === "literal") return a.value === b.value;
      if (b.kind !== "primitive") return false;
      if (typeof a.value === "string") return b.name === "string";
      if (typeof a.value === "boolean") return b.name === "boolean";
      return b.name === "number" || (Number.isInteger(a.value) && (b.name === "integer" || b.name === "bigint"));
    case "array":
      return b.kind === "array" && check(a.element, b.element, sa, sb, assumed);
    case "tuple":
      if (b.kind === "array") return a.items.every((item) => check(item, b.element, sa, sb, assumed));
      return b.kind === "tuple" && a.items.length === b.items.length && a.items.every((item, i) => check(item, b.items[i] as IrType, sa, sb, assumed));
    case "record":
      return b.kind === "record" && check(a.value, b.value, sa, sb, assumed);
    case "object":
      if (b.kind === "record") return a.fields.every((f) => check(f.type, b.value, sa, sb, assumed));
      if (b.kind !== "object") return false;
      // Every field b requires must be there in a; every field of b that a has must fit. Extra fields of a are
      // dropped by b's validator, so they do no harm.
      return b.fields.every((fb) => {
        const fa = a.fields.find((f) => f.name === fb.name);
        if (fa === undefined) return fb.optional;
        if (fa.optional && !fb.optional) return false;
        return check(fa.type, fb.type, sa, sb, assumed);
      });
  }
}

/** A named type's definition; an unknown name (a broken snapshot) matches nothing but itself. */
function resolve(type: IrType, schema: IrSchema): IrType {
  if (type.kind !== "ref") return type;
  return schema.types.find((t) => t.name === type.name)?.type ?? { kind: "literal", value: `\u0000unresolved ${type.name}` };
}
