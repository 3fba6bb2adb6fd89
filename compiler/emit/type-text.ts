import { isIdentifier } from "../ir/names.js";
import type { IrField, IrType } from "../ir/types.js";

/** The TypeScript type of an IR type, as generated code writes it. */
export function tsType(type: IrType): string {
  switch (type.kind) {
    case "primitive":
      return TS_PRIMITIVES[type.name];
    case "literal":
      return JSON.stringify(type.value);
    case "array": {
      const element = tsType(type.element);
      return type.element.kind === "union" ? `(${element})[]` : `${element}[]`;
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

/** The Zod schema of an IR type, as generated code writes it; refs go through z.lazy, so order and recursion do not matter. */
export function zodType(type: IrType): string {
  switch (type.kind) {
    case "primitive":
      return ZOD_PRIMITIVES[type.name];
    case "literal":
      return `z.literal(${JSON.stringify(type.value)})`;
    case "array":
      return `z.array(${zodType(type.element)})`;
    case "tuple":
      return `z.tuple([${type.items.map(zodType).join(", ")}])`;
    case "object":
      return `z.object({ ${type.fields.map((f) => `${propertyName(f.name)}: ${zodType(f.type)}${f.optional ? ".optional()" : ""}`).join(", ")} })`;
    case "record":
      return `z.record(z.string(), ${zodType(type.value)})`;
    case "union":
      return `z.union([${type.members.map(zodType).join(", ")}])`;
    case "ref":
      return `z.lazy(() => ${schemaName(type.name)})`;
    case "void":
      return "z.void()";
  }
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
