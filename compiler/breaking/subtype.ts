import { boundWithin, isMultipleOf } from "../ir/constraints.js";
import type { ArrayConstraints, IrSchema, IrType, NumberConstraints, StringConstraints, StringFormat } from "../ir/types.js";
import { numberMeets, stringMeets } from "../ir/values.js";

/** A type together with the schema its named types resolve in: old and new schemas may define a name differently. */
export interface Typed {
  readonly type: IrType;
  readonly schema: IrSchema;
}

/**
 * Whether every value of `a` is a value of `b` on the wire: structural and
 * recursive over named types, arrays, tuples, records, unions and objects,
 * constraints included (`min(3)` is within `min(1)`; two different patterns
 * are unrelated, as nothing proves one implies the other).
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
  if (a.kind === "enum") return a.values.every((value) => check({ kind: "literal", value }, b, sa, sb, assumed));
  if (b.kind === "union") return b.members.some((m) => check(a, m, sa, sb, assumed));
  switch (a.kind) {
    case "void":
      return b.kind === "void" || (b.kind === "primitive" && b.name === "null");
    case "primitive":
      if (b.kind === "void") return a.name === "null";
      if (b.kind !== "primitive") return false;
      if (a.name === "string" && b.name === "string") return stringWithin(a.constraints, b.constraints);
      if ((a.name === "number" || a.name === "integer") && (b.name === "number" || b.name === "integer"))
        return (a.name === "integer" || b.name === "number") && numberWithin(a.constraints, b.constraints);
      return a.name === b.name || (a.name === "integer" && b.name === "bigint");
    case "literal":
      if (b.kind === "literal") return a.value === b.value;
      if (b.kind === "enum") return typeof a.value === "string" && b.values.includes(a.value);
      if (b.kind !== "primitive") return false;
      if (typeof a.value === "string") return b.name === "string" && stringMeets(a.value, b.constraints);
      if (typeof a.value === "boolean") return b.name === "boolean";
      if (b.name === "bigint") return Number.isInteger(a.value);
      if (b.name === "number" || (b.name === "integer" && Number.isInteger(a.value))) return numberMeets(a.value, b.constraints);
      return false;
    case "array":
      return b.kind === "array" && lengthWithin(a.constraints?.minItems, a.constraints?.maxItems, b.constraints) && check(a.element, b.element, sa, sb, assumed);
    case "tuple":
      if (b.kind === "array")
        return lengthWithin(a.items.length, a.items.length, b.constraints) && a.items.every((item) => check(item, b.element, sa, sb, assumed));
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

/** Whether every string meeting `a` meets `b`: bounds at least as tight, b's patterns among a's, a format within b's. */
function stringWithin(a: StringConstraints = {}, b: StringConstraints = {}): boolean {
  return (
    lengthWithin(a.minLength, a.maxLength, { minItems: b.minLength, maxItems: b.maxLength }) &&
    (b.patterns ?? []).every((p) => (a.patterns ?? []).some((q) => q.source === p.source && q.flags === p.flags)) &&
    (b.format === undefined || a.format === b.format || (a.format !== undefined && (FORMAT_WITHIN[a.format] ?? []).includes(b.format)))
  );
}

/** Whether every number meeting `a` meets `b`. */
function numberWithin(a: NumberConstraints = {}, b: NumberConstraints = {}): boolean {
  return (
    boundWithin(a.min, b.min, 1) &&
    boundWithin(a.max, b.max, -1) &&
    (b.multipleOf === undefined || (a.multipleOf !== undefined && isMultipleOf(a.multipleOf, b.multipleOf)))
  );
}

/** Whether a length range [min, max] (either open) lies within b's. */
function lengthWithin(min: number | undefined, max: number | undefined, b: ArrayConstraints | undefined): boolean {
  return (b?.minItems === undefined || (min ?? 0) >= b.minItems) && (b?.maxItems === undefined || (max !== undefined && max <= b.maxItems));
}

/** Formats whose strings all meet another format: a v4 UUID is a UUID, and a UUID is a GUID (any 8-4-4-4-12 hex). */
const FORMAT_WITHIN: Partial<Record<StringFormat, readonly StringFormat[]>> = {
  uuidv4: ["uuid", "guid"],
  uuidv6: ["uuid", "guid"],
  uuidv7: ["uuid", "guid"],
  uuid: ["guid"],
};

/** A named type's definition; an unknown name (a broken snapshot) matches nothing but itself. */
function resolve(type: IrType, schema: IrSchema): IrType {
  if (type.kind !== "ref") return type;
  return schema.types.find((t) => t.name === type.name)?.type ?? { kind: "literal", value: `\u0000unresolved ${type.name}` };
}
