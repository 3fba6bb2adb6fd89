import type { ArrayConstraints, IrBound, IrPattern, IrType, NumberConstraints, StringConstraints, StringFormat } from "./types.js";

/** One constraint, as a reader finds it: a Zod check, or a TSDoc tag. */
export type Constraint =
  | { readonly kind: "minLength" | "maxLength" | "minItems" | "maxItems" | "multipleOf"; readonly value: number }
  | { readonly kind: "pattern"; readonly pattern: IrPattern }
  | { readonly kind: "format"; readonly format: StringFormat }
  | { readonly kind: "min" | "max"; readonly bound: IrBound };

/** What each constraint applies to. */
const CONSTRAINT_TARGET: Readonly<Record<Constraint["kind"], "strings" | "numbers" | "arrays">> = {
  minLength: "strings",
  maxLength: "strings",
  pattern: "strings",
  format: "strings",
  min: "numbers",
  max: "numbers",
  multipleOf: "numbers",
  minItems: "arrays",
  maxItems: "arrays",
};

/**
 * Adds a constraint to a type, in canonical form, so the two readers give
 * equal IR however the constraints were written: keys in a fixed order, the
 * tighter of two bounds (`.min(1).min(3)` is `.min(3)`; both hold, so only
 * the tighter matters), patterns in the order written. A message when the
 * constraint does not apply to the type, or contradicts one it has.
 */
export function constrain(type: IrType, c: Constraint): IrType | string {
  switch (CONSTRAINT_TARGET[c.kind]) {
    case "strings": {
      if (type.kind !== "primitive" || type.name !== "string") return "applies to strings only";
      const was: StringConstraints = type.constraints ?? {};
      if (c.kind === "format" && was.format !== undefined && was.format !== c.format) return `a string has one format, not ${was.format} and ${c.format}`;
      const isNew = (p: IrPattern) => !(was.patterns ?? []).some((q) => q.source === p.source && q.flags === p.flags);
      return stringType({
        minLength: c.kind === "minLength" ? higher(was.minLength, c.value) : was.minLength,
        maxLength: c.kind === "maxLength" ? lower(was.maxLength, c.value) : was.maxLength,
        patterns: c.kind === "pattern" && isNew(c.pattern) ? [...(was.patterns ?? []), c.pattern] : was.patterns,
        format: c.kind === "format" ? c.format : was.format,
      });
    }
    case "numbers": {
      if (type.kind !== "primitive" || (type.name !== "number" && type.name !== "integer")) return "applies to numbers only";
      const was: NumberConstraints = type.constraints ?? {};
      if (c.kind === "multipleOf" && !(c.value > 0)) return `multipleOf must be greater than 0, not ${c.value}`;
      if (c.kind === "multipleOf" && was.multipleOf !== undefined && was.multipleOf !== c.value) return `a number has one multipleOf, not ${was.multipleOf} and ${c.value}`;
      return numberType(type.name, {
        min: c.kind === "min" ? tighter(was.min, c.bound, 1) : was.min,
        max: c.kind === "max" ? tighter(was.max, c.bound, -1) : was.max,
        multipleOf: c.kind === "multipleOf" ? c.value : was.multipleOf,
      });
    }
    case "arrays": {
      if (type.kind !== "array") return "applies to arrays only";
      const was: ArrayConstraints = type.constraints ?? {};
      return arrayType(type.element, {
        minItems: c.kind === "minItems" ? higher(was.minItems, c.value) : was.minItems,
        maxItems: c.kind === "maxItems" ? lower(was.maxItems, c.value) : was.maxItems,
      });
    }
  }
}

/** Why no value can meet a type's own constraints, if none can (`min(5).max(3)`); undefined when some can. */
export function contradiction(type: IrType): string | undefined {
  if (type.kind === "primitive" && type.name === "string") {
    const { minLength, maxLength } = type.constraints ?? {};
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) return `minLength ${minLength} is more than maxLength ${maxLength}`;
  }
  if (type.kind === "primitive" && (type.name === "number" || type.name === "integer")) {
    const { min, max } = type.constraints ?? {};
    if (min !== undefined && max !== undefined && (min.value > max.value || (min.value === max.value && (min.exclusive || max.exclusive))))
      return `no number is ${min.exclusive ? ">" : ">="} ${min.value} and ${max.exclusive ? "<" : "<="} ${max.value}`;
  }
  if (type.kind === "array") {
    const { minItems, maxItems } = type.constraints ?? {};
    if (minItems !== undefined && maxItems !== undefined && minItems > maxItems) return `minItems ${minItems} is more than maxItems ${maxItems}`;
  }
  return undefined;
}

/** Whether `a` lets through only values `b` lets through too: every bound of `b` is met by one of `a` at least as tight. */
export function boundWithin(a: IrBound | undefined, b: IrBound | undefined, direction: 1 | -1): boolean {
  if (b === undefined) return true;
  if (a === undefined) return false;
  return tighter(a, b, direction) === a;
}

/** Whether a value lies within a bound; `direction` 1 for a lower bound, -1 for an upper one. */
export function withinBound(value: number, bound: IrBound | undefined, direction: 1 | -1): boolean {
  if (bound === undefined) return true;
  const d = (value - bound.value) * direction;
  return bound.exclusive ? d > 0 : d >= 0;
}

/** Whether `value` is a multiple of `step`, as Zod decides it (decimal steps without float noise). */
export function isMultipleOf(value: number, step: number): boolean {
  const decimals = (n: number) => (n.toString().split(".")[1] ?? "").length;
  const places = Math.max(decimals(value), decimals(step));
  const scale = 10 ** places;
  return Math.round(value * scale) % Math.round(step * scale) === 0;
}

function stringType(c: StringConstraints): IrType {
  const constraints = defined({ minLength: c.minLength, maxLength: c.maxLength, patterns: c.patterns, format: c.format });
  return constraints ? { kind: "primitive", name: "string", constraints } : { kind: "primitive", name: "string" };
}

function numberType(name: "number" | "integer", c: NumberConstraints): IrType {
  const constraints = defined({ min: c.min, max: c.max, multipleOf: c.multipleOf });
  return constraints ? { kind: "primitive", name, constraints } : { kind: "primitive", name };
}

function arrayType(element: IrType, c: ArrayConstraints): IrType {
  const constraints = defined({ minItems: c.minItems, maxItems: c.maxItems });
  return constraints ? { kind: "array", element, constraints } : { kind: "array", element };
}

/** The object without its undefined keys, in the order given; undefined when none is left. */
function defined<T extends object>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

const higher = (a: number | undefined, b: number): number => (a === undefined ? b : Math.max(a, b));
const lower = (a: number | undefined, b: number): number => (a === undefined ? b : Math.min(a, b));

/** The tighter of two bounds; `direction` 1 for lower bounds, -1 for upper ones. On a tie, the exclusive one. */
function tighter(a: IrBound | undefined, b: IrBound, direction: 1 | -1): IrBound {
  if (a === undefined) return b;
  const d = (a.value - b.value) * direction;
  if (d !== 0) return d > 0 ? a : b;
  return a.exclusive || !b.exclusive ? a : b;
}
