import { ZOD_FORMATS } from "../zod-formats.js";
import { isMultipleOf, withinBound } from "./constraints.js";
import type { IrType, StringConstraints, NumberConstraints, StringFormat } from "./types.js";

/** A named type's definition, or undefined for an unknown name. */
export type Resolve = (name: string) => IrType | undefined;

/**
 * Whether a JSON value (a default, a literal) is a value of `type`, its
 * constraints included, as the generated validator will judge it, and as
 * generated TypeScript will type it: an object with a key its type does not
 * declare does not fit (an object literal with an unknown key does not
 * compile). `bigint`, bytes and dates have no JSON form, so nothing fits them.
 */
export function valueFits(value: unknown, type: IrType, resolve: Resolve): boolean {
  switch (type.kind) {
    case "primitive":
      return primitiveFits(value, type);
    case "literal":
      return value === type.value;
    case "enum":
      return typeof value === "string" && type.values.includes(value);
    case "array": {
      if (!Array.isArray(value)) return false;
      const { minItems, maxItems } = type.constraints ?? {};
      if ((minItems !== undefined && value.length < minItems) || (maxItems !== undefined && value.length > maxItems)) return false;
      return value.every((item) => valueFits(item, type.element, resolve));
    }
    case "tuple":
      return Array.isArray(value) && value.length === type.items.length && type.items.every((item, i) => valueFits(value[i], item, resolve));
    case "record":
      return isPlainObject(value) && Object.values(value).every((v) => valueFits(v, type.value, resolve));
    case "object":
      return (
        isPlainObject(value) &&
        Object.keys(value).every((key) => type.fields.some((f) => f.name === key)) &&
        type.fields.every((f) => (f.name in value ? valueFits(value[f.name], f.type, resolve) : f.optional))
      );
    case "union":
      return type.members.some((m) => valueFits(value, m, resolve));
    case "ref": {
      const named = resolve(type.name);
      return named !== undefined && valueFits(value, named, resolve);
    }
    case "void":
      return false;
  }
}

function primitiveFits(value: unknown, type: Extract<IrType, { kind: "primitive" }>): boolean {
  switch (type.name) {
    case "string":
      return typeof value === "string" && stringMeets(value, type.constraints);
    case "number":
    case "integer":
      return typeof value === "number" && Number.isFinite(value) && (type.name === "number" || Number.isSafeInteger(value)) && numberMeets(value, type.constraints);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "bigint":
    case "bytes":
    case "date":
      return false;
  }
}

/** Whether a string meets string constraints (none: every string does). */
export function stringMeets(value: string, c: StringConstraints | undefined): boolean {
  if (c === undefined) return true;
  if (c.minLength !== undefined && value.length < c.minLength) return false;
  if (c.maxLength !== undefined && value.length > c.maxLength) return false;
  if (c.patterns?.some((p) => !new RegExp(p.source, p.flags).test(value))) return false;
  return c.format === undefined || formatSchema(c.format).safeParse(value).success;
}

/** Whether a number meets number constraints (none: every number does). */
export function numberMeets(value: number, c: NumberConstraints | undefined): boolean {
  if (c === undefined) return true;
  return withinBound(value, c.min, 1) && withinBound(value, c.max, -1) && (c.multipleOf === undefined || isMultipleOf(value, c.multipleOf));
}

const formatSchemas = new Map<StringFormat, ReturnType<(typeof ZOD_FORMATS)[StringFormat]["make"]>>();
function formatSchema(format: StringFormat) {
  let schema = formatSchemas.get(format);
  if (schema === undefined) formatSchemas.set(format, (schema = ZOD_FORMATS[format].make()));
  return schema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
