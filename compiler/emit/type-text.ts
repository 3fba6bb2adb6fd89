import { isIdentifier } from "../ir/names.js";
import type { IrField, IrType, NumberConstraints, StringConstraints } from "../ir/types.js";
import { ZOD_FORMATS } from "../zod-formats.js";

/** The TypeScript type of an IR type, as generated code writes it. */
export function tsType(type: IrType): string {
  switch (type.kind) {
    case "primitive":
      return TS_PRIMITIVES[type.name];
    case "literal":
      return JSON.stringify(type.value);
    case "enum":
      return type.values.map((v) => JSON.stringify(v)).join(" | ");
    case "array": {
      const element = tsType(type.element);
      return type.element.kind === "union" || type.element.kind === "enum" ? `(${element})[]` : `${element}[]`;
    }
    case "tuple":
      return `[${type.items.map(tsType).join(", ")}]`;
    case "object":
      if (type.fields.length === 0) return "Record<string, never>";
      return `{ ${type.fields.map(fieldSignature).join("; ")} }`;
    case "record":
      return `Record<string, ${tsType(type.value)}>`;
    case "union":
      return type.members.map(tsType).join(" | ");
    case "ref":
      return type.name;
    case "void":
      return "void";
  }
}

/**
 * How a Zod schema is written: refs through `z.lazy` (in types.ts, where
 * order and recursion matter) or by name (in a service file, which imports
 * them ready); on one line, or with an object's fields on lines of their own
 * below `indent` when the object would not fit on one.
 */
export interface ZodStyle {
  readonly lazyRefs: boolean;
  readonly indent?: string;
}

const LAZY: ZodStyle = { lazyRefs: true };

/** Longer than this, an object schema's fields go on lines of their own. */
const LINE = 100;

/**
 * The Zod schema of an IR type, as generated code writes it, constraints
 * and all: the generated validator enforces exactly what the schema says.
 */
export function zodType(type: IrType, style: ZodStyle = LAZY): string {
  const inner = (t: IrType) => zodType(t, style);
  switch (type.kind) {
    case "primitive":
      if (type.name === "string") return stringSchema(type.constraints);
      if (type.name === "number" || type.name === "integer") return numberSchema(type.name, type.constraints);
      return ZOD_PRIMITIVES[type.name];
    case "literal":
      return `z.literal(${JSON.stringify(type.value)})`;
    case "enum":
      return `z.enum([${type.values.map((v) => JSON.stringify(v)).join(", ")}])`;
    case "array":
      return `z.array(${inner(type.element)})${lengths(type.constraints?.minItems, type.constraints?.maxItems)}`;
    case "tuple":
      return `z.tuple([${type.items.map(inner).join(", ")}])`;
    case "object": {
      const oneLine = `z.object({ ${type.fields.map((f) => `${propertyName(f.name)}: ${zodSlot(f, { lazyRefs: style.lazyRefs })}`).join(", ")} })`;
      if (style.indent === undefined || oneLine.length + style.indent.length <= LINE || type.fields.length === 0) return oneLine;
      const deeper = `${style.indent}  `;
      const fields = type.fields.map((f) => `${deeper}${propertyName(f.name)}: ${zodSlot(f, { lazyRefs: style.lazyRefs, indent: deeper })},`);
      return `z.object({\n${fields.join("\n")}\n${style.indent}})`;
    }
    case "record":
      return `z.record(z.string(), ${inner(type.value)})`;
    case "union":
      return `z.union([${type.members.map(inner).join(", ")}])`;
    case "ref":
      return style.lazyRefs ? `z.lazy(() => ${schemaName(type.name)})` : schemaName(type.name);
    case "void":
      return "z.void()";
  }
}

/**
 * The schema of a parameter or field: `.default(v)` when it has a default
 * (the validator fills it in, so the receiver never sees it left out),
 * `.optional()` when it may be left out, else the type's.
 */
export function zodSlot(slot: { readonly type: IrType; readonly optional: boolean; readonly default: string | undefined }, style: ZodStyle = LAZY): string {
  const schema = zodType(slot.type, style);
  if (slot.default !== undefined) return `${schema}.default(${slot.default})`;
  return slot.optional ? `${schema}.optional()` : schema;
}

function stringSchema(c: StringConstraints | undefined): string {
  const base = c?.format === undefined ? "z.string()" : ZOD_FORMATS[c.format].call;
  // new RegExp, not a literal: TypeScript checks a literal's syntax and flags against the user's target (named groups, the v flag).
  const patterns = (c?.patterns ?? []).map((p) => `.regex(new RegExp(${[p.source, ...(p.flags === "" ? [] : [p.flags])].map((t) => JSON.stringify(t)).join(", ")}))`);
  return `${base}${lengths(c?.minLength, c?.maxLength)}${patterns.join("")}`;
}

function numberSchema(name: "number" | "integer", c: NumberConstraints | undefined): string {
  const min = c?.min === undefined ? "" : `.${c.min.exclusive ? "gt" : "min"}(${c.min.value})`;
  const max = c?.max === undefined ? "" : `.${c.max.exclusive ? "lt" : "max"}(${c.max.value})`;
  const multipleOf = c?.multipleOf === undefined ? "" : `.multipleOf(${c.multipleOf})`;
  return `${ZOD_PRIMITIVES[name]}${min}${max}${multipleOf}`;
}

/** `.length(n)` when both bounds are n, else `.min(a)` and `.max(b)` for those there. */
function lengths(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && min === max) return `.length(${min})`;
  return `${min === undefined ? "" : `.min(${min})`}${max === undefined ? "" : `.max(${max})`}`;
}

/** The name of a named type's generated Zod schema: `Point` → `PointSchema`. */
export const schemaName = (typeName: string): string => `${typeName}Schema`;

/** A property name as written in an object type: quoted when it is not an identifier. */
export const propertyName = (name: string): string => (isIdentifier(name) ? name : JSON.stringify(name));

/** The named types a type refers to. */
export function refsOf(type: IrType, into: Set<string> = new Set()): Set<string> {
  switch (type.kind) {
    case "ref":
      into.add(type.name);
      break;
    case "array":
      refsOf(type.element, into);
      break;
    case "record":
      refsOf(type.value, into);
      break;
    case "tuple":
      for (const item of type.items) refsOf(item, into);
      break;
    case "union":
      for (const member of type.members) refsOf(member, into);
      break;
    case "object":
      for (const field of type.fields) refsOf(field.type, into);
      break;
    default:
      break;
  }
  return into;
}

const TS_PRIMITIVES = {
  string: "string",
  number: "number",
  integer: "number",
  boolean: "boolean",
  bigint: "bigint",
  bytes: "Uint8Array",
  date: "Date",
  null: "null",
} as const;

const ZOD_PRIMITIVES = {
  string: "z.string()",
  number: "z.number()",
  integer: "z.number().int()",
  boolean: "z.boolean()",
  // A 64-bit integer arrives as a number when it fits in 53 bits (PROTOCOL.md); either way the handler gets a bigint.
  bigint: "z.union([z.bigint(), z.number().int()]).transform((value) => BigInt(value))",
  bytes: "z.instanceof(Uint8Array)",
  date: "z.date()",
  null: "z.null()",
} as const;

/**
 * One field of an object type: `name: T`, or `name?: T | undefined` when
 * optional, as Zod's own output type has it, so it holds under a user's
 * `exactOptionalPropertyTypes` too.
 */
export function fieldSignature(field: IrField): string {
  return field.optional ? `${propertyName(field.name)}?: ${tsType(field.type)} | undefined` : `${propertyName(field.name)}: ${tsType(field.type)}`;
}
