import type { z } from "zod";
import { type Constraint, constrain } from "../ir/constraints.js";
import { union } from "../ir/normalize.js";
import { type IrField, type IrType, STRING_FORMATS, type StringFormat } from "../ir/types.js";
import { BYTES_MARK } from "../schema/index.js";
import { ZOD_FORMATS } from "../zod-formats.js";

/** What converting one schema needs from the module reader. */
export interface ZodTypeContext {
  /** The name of a shared (exported) schema, if it is one: it becomes a ref. */
  nameOf(schema: unknown): string | undefined;
  /**
   * Reports what the IR cannot carry. `calls` are the Zod calls that may have
   * written it (`refine`), so the reader can point at the call.
   */
  report(calls: readonly string[], message: string): void;
  /** The context of an object field, to report within it. */
  field(name: string): ZodTypeContext;
}

/** A parameter, a field or a named type: its type, whether it may be left out, its default (JSON text), its description. */
export interface ZodSlot {
  readonly type: IrType;
  readonly optional: boolean;
  readonly default: string | undefined;
  readonly doc: string | undefined;
}

/**
 * Converts a parameter's, field's or named type's schema. `.optional()` and
 * `.default(v)` on the outside say it may be left out; a default must be a
 * fixed JSON value, which generated validators carry. `self` is the named
 * type being defined: expanded, not referred to.
 */
export function convertSlot(schema: z.ZodType, ctx: ZodTypeContext, self?: z.ZodType): ZodSlot {
  let doc = ownDescription(schema, ctx, self);
  let current = schema;
  let optional = false;
  let defaultText: string | undefined;
  let defaultSeen = false;
  for (let d = def(current); d.type === "optional" || d.type === "default"; d = def(current)) {
    optional = true;
    if (d.type === "default" && !defaultSeen) {
      defaultSeen = true; // the outermost default is the one that applies
      defaultText = defaultOf(d, ctx);
    }
    refuseChecks(current, ctx);
    current = d.innerType as z.ZodType;
    doc ??= ownDescription(current, ctx);
  }
  return { type: convertType(current, ctx, new Set(), self), optional, default: defaultText, doc };
}

function convertType(schema: z.ZodType, ctx: ZodTypeContext, visiting: ReadonlySet<unknown>, self?: unknown): IrType {
  const named = ctx.nameOf(schema);
  if (named !== undefined && schema !== self) return { kind: "ref", name: named };
  if ((schema as unknown as Record<symbol, unknown>)[BYTES_MARK] === true) return { kind: "primitive", name: "bytes" };
  let refused = false;
  const unsupported = (calls: readonly string[], message: string): IrType => {
    ctx.report(calls, message);
    refused = true;
    return { kind: "primitive", name: "null" };
  };
  if (visiting.has(schema)) return unsupported(["lazy"], "a recursive type must be an exported (named) schema, reached through z.lazy");
  const d = def(schema);
  const inner = (child: unknown) => convertType(child as z.ZodType, ctx, new Set([...visiting, schema]));
  const base = ((): IrType => {
    switch (d.type) {
      case "string":
      case "number":
      case "boolean":
      case "bigint":
      case "date":
      case "null":
        return { kind: "primitive", name: d.type };
      case "void":
        return { kind: "void" };
      case "literal":
        return union((d.values as unknown[]).map((value) => literal(value)));
      case "enum":
        return union(Object.values(d.entries as Record<string, unknown>).map((value) => literal(value)));
      case "nullable":
        return union([inner(d.innerType), { kind: "primitive", name: "null" }]);
      case "readonly":
        return inner(d.innerType);
      case "lazy":
        return inner((d.getter as () => unknown)());
      case "array":
        return { kind: "array", element: inner(d.element) };
      case "tuple":
        if (d.rest !== null && d.rest !== undefined) return unsupported(["rest"], "tuples with a rest element are not supported");
        return { kind: "tuple", items: (d.items as unknown[]).map(inner) };
      case "record": {
        const key = d.keyType as z.ZodType;
        if (def(key).type !== "string" || checksOf(key).length > 0)
          return unsupported(["record"], "record keys must be a plain z.string() (msgpack maps here have string keys)");
        return { kind: "record", value: inner(d.valueType) };
      }
      case "union":
        return union((d.options as unknown[]).map(inner));
      case "object":
        if (d.catchall !== undefined)
          ctx.report(
            ["strictObject", "looseObject", "strict", "passthrough", "loose", "catchall"],
            "strict, loose and catchall objects are not supported: generated validators drop unknown keys, as z.object() does",
          );
        return { kind: "object", fields: Object.entries(d.shape as Record<string, z.ZodType>).map(([name, field]) => objectField(name, field)) };
      case "optional":
      case "default":
        return unsupported(["optional", "default"], "only parameters and object fields can be optional or have a default");
      case "custom":
        return unsupported(["custom", "instanceof"], "custom types are not supported; for bytes use bytes() from pseud-gen/schema");
      case "pipe":
      case "transform":
        return unsupported(["transform", "pipe", "preprocess"], "transforms and pipes cannot be carried to generated validators: they check the wire value, as the schema describes it");
      case "prefault":
        return unsupported(["prefault"], "prefault is not supported; use .default(value) on a parameter or field");
      case "catch":
        return unsupported(["catch"], "catch is not supported: generated validators refuse a bad value rather than replace it");
      default:
        return unsupported([d.type, camel(d.type)], `Zod type "${d.type}" is not supported`);
    }
  })();
  return refused ? base : applyChecks(base, schema, ctx); // a refused type's checks say nothing more

  function objectField(name: string, field: z.ZodType): IrField {
    const slot = convertSlot(field, ctx.field(name));
    return { name, type: slot.type, optional: slot.optional, default: slot.default, doc: slot.doc };
  }

  function literal(value: unknown): IrType {
    if (value === null) return { kind: "primitive", name: "null" };
    if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return { kind: "literal", value };
    return unsupported(["literal"], `literal ${String(value)} is not supported (strings, finite numbers, booleans and null are)`);
  }
}

/** The slice of a Zod v4 schema's internals this reader walks (`schema._zod.def`). */
interface ZodDef {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A Zod check's definition: a check's `_zod.def`, or a schema that is its own check (`z.email()`, `z.int()`). */
interface CheckDef {
  readonly check: string;
  readonly [key: string]: unknown;
}

function def(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

function checksOf(schema: z.ZodType): CheckDef[] {
  const d = def(schema);
  const own = typeof d.check === "string" ? [d as unknown as CheckDef] : [];
  const added = ((d.checks ?? []) as { _zod: { def: CheckDef } }[]).map((c) => c._zod.def);
  return [...own, ...added];
}

/**
 * The schema's checks as constraints on its type: lengths, bounds,
 * multipleOf, integer formats, patterns and the string formats Zod names
 * (with their default options). Anything else is reported: refinements,
 * transforms, options the IR cannot say, custom error messages.
 */
function applyChecks(base: IrType, schema: z.ZodType, ctx: ZodTypeContext): IrType {
  let type = base;
  for (const c of checksOf(schema)) {
    const calls = callsOf(c);
    if (c.error !== undefined) {
      ctx.report(calls, "custom error messages are not carried to generated validators: remove it (they report Zod's own message)");
      continue;
    }
    const read = readCheck(c, type);
    if (typeof read === "string") {
      ctx.report(calls, read);
      continue;
    }
    if (read.integer && type.kind === "primitive" && type.name === "number") type = { ...type, name: "integer" };
    for (const constraint of read.constraints) {
      const next = constrain(type, constraint);
      if (typeof next === "string") ctx.report(calls, `${c.check}: ${next}`);
      else type = next;
    }
  }
  return type;
}

/** Checks on an `.optional()` or `.default()` wrapper constrain nothing the IR can say. */
function refuseChecks(wrapper: z.ZodType, ctx: ZodTypeContext): void {
  for (const c of checksOf(wrapper)) ctx.report(callsOf(c), `a ${c.check} check on an optional value is not supported: put it on the type inside`);
}

const INT32: readonly Constraint[] = [
  { kind: "min", bound: { value: -2147483648, exclusive: false } },
  { kind: "max", bound: { value: 2147483647, exclusive: false } },
];
const UINT32: readonly Constraint[] = [
  { kind: "min", bound: { value: 0, exclusive: false } },
  { kind: "max", bound: { value: 4294967295, exclusive: false } },
];
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32: readonly Constraint[] = [
  { kind: "min", bound: { value: -FLOAT32_MAX, exclusive: false } },
  { kind: "max", bound: { value: FLOAT32_MAX, exclusive: false } },
];

/** One check → what it says in the IR, or why the IR cannot say it. */
function readCheck(c: CheckDef, type: IrType): { readonly integer?: true; readonly constraints: readonly Constraint[] } | string {
  const length = type.kind === "array" ? { min: "minItems", max: "maxItems" } as const : { min: "minLength", max: "maxLength" } as const;
  switch (c.check) {
    case "min_length":
      return { constraints: [{ kind: length.min, value: c.minimum as number }] };
    case "max_length":
      return { constraints: [{ kind: length.max, value: c.maximum as number }] };
    case "length_equals":
      return { constraints: [{ kind: length.min, value: c.length as number }, { kind: length.max, value: c.length as number }] };
    case "greater_than":
    case "less_than":
      if (typeof c.value !== "number") return `bounds on ${c.value instanceof Date ? "dates" : typeof c.value} values are not supported`;
      return { constraints: [{ kind: c.check === "greater_than" ? "min" : "max", bound: { value: c.value, exclusive: c.inclusive !== true } }] };
    case "multiple_of":
      if (typeof c.value !== "number") return `multipleOf on ${typeof c.value} values is not supported`;
      return { constraints: [{ kind: "multipleOf", value: c.value }] };
    case "number_format":
      switch (c.format) {
        case "safeint":
          return { integer: true, constraints: [] };
        case "int32":
          return { integer: true, constraints: INT32 };
        case "uint32":
          return { integer: true, constraints: UINT32 };
        case "float32":
          return { constraints: FLOAT32 };
        case "float64":
          return { constraints: [] }; // what z.number() accepts already: finite numbers
        default:
          return `number format ${String(c.format)} is not supported`;
      }
    case "string_format": {
      if (c.format === "regex" && c.pattern instanceof RegExp) return { constraints: [{ kind: "pattern", pattern: { source: c.pattern.source, flags: c.pattern.flags } }] };
      const format = knownFormat(c);
      if (format !== undefined) return { constraints: [{ kind: "format", format }] };
      return STRING_FORMATS.some((name) => formatReference(name).format === c.format)
        ? `this ${String(c.format)} check has options the generated validator cannot carry; use z.${String(c.format)}() as it is, or .regex()`
        : `string format ${String(c.format)} is not supported (supported: ${STRING_FORMATS.join(", ")}); use .regex() for a pattern`;
    }
    case "custom":
      return "refinements (.refine, .superRefine, .check with a function) cannot be carried to generated validators; use the checks Zod names (.min, .regex, .email…) or check in the handler";
    case "overwrite":
      return "transforms (.trim, .toLowerCase, .overwrite…) cannot be carried to generated validators: they check the wire value, as the schema describes it";
    default:
      return `Zod check ${c.check} is not supported`;
  }
}

/** The Zod calls that write a check, to find it in the source. */
function callsOf(c: CheckDef): string[] {
  switch (c.check) {
    case "min_length":
      return ["min", "nonempty", "length", "minLength"];
    case "max_length":
      return ["max", "length", "maxLength"];
    case "length_equals":
      return ["length"];
    case "greater_than":
      return ["min", "gt", "gte", "positive", "nonnegative"];
    case "less_than":
      return ["max", "lt", "lte", "negative", "nonpositive"];
    case "multiple_of":
      return ["multipleOf", "step"];
    case "number_format":
      return ["int", "int32", "uint32", "float32", "float64", "safe"];
    case "string_format":
      return typeof c.format === "string" ? [c.format, camel(c.format), "stringFormat"] : ["stringFormat"];
    case "custom":
      return ["refine", "superRefine", "check", "custom"];
    case "overwrite":
      return ["trim", "toLowerCase", "toUpperCase", "normalize", "overwrite", "slugify"];
    default:
      return [camel(c.check)];
  }
}

/** The IR format of a Zod string format check, when its options are the defaults (so the generated `z.email()` is the same check). */
function knownFormat(c: CheckDef): StringFormat | undefined {
  return STRING_FORMATS.find((name) => {
    const reference = formatReference(name);
    if (reference.format !== c.format) return false;
    const keys = new Set([...Object.keys(reference), ...Object.keys(c)].filter((key) => !NOT_OPTIONS.has(key)));
    return [...keys].every((key) => sameOption(reference[key], c[key]));
  });
}

/** Keys of a check's definition that are not options of the check. */
const NOT_OPTIONS = new Set(["type", "check", "abort", "when", "error"]);

const references = new Map<StringFormat, ZodDef>();
function formatReference(name: StringFormat): ZodDef {
  let reference = references.get(name);
  if (reference === undefined) references.set(name, (reference = def(ZOD_FORMATS[name].make())));
  return reference;
}

function sameOption(a: unknown, b: unknown): boolean {
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  return Object.is(a ?? null, b ?? null);
}

/**
 * A default's value as JSON text. The value must be JSON data (what the
 * generated `.default(v)` can write) and the same on every read: a default
 * computed by a function that returns a new value each time cannot be
 * carried (one written as `.default(() => …)` is reported where it is written).
 */
function defaultOf(d: ZodDef, ctx: ZodTypeContext): string | undefined {
  const first = jsonText(d.defaultValue);
  if (first === undefined) {
    ctx.report(["default"], "a default must be a JSON value: a string, a finite number, a boolean, null, or arrays and plain objects of them");
    return undefined;
  }
  if (jsonText(d.defaultValue) !== first) {
    ctx.report(["default"], "this default changes from one parse to the next (a function?): generated validators carry one fixed value");
    return undefined;
  }
  return first;
}

/** JSON text for plain JSON data; undefined for anything JSON would change or drop (undefined, NaN, Date, Map, class instances…). */
function jsonText(value: unknown): string | undefined {
  const plain = (v: unknown): boolean => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return true;
    if (typeof v === "number") return Number.isFinite(v);
    if (Array.isArray(v)) return v.every(plain);
    if (typeof v !== "object") return false;
    const proto = Object.getPrototypeOf(v) as unknown;
    return (proto === Object.prototype || proto === null) && Object.values(v).every(plain);
  };
  return plain(value) ? JSON.stringify(value) : undefined;
}

/** A schema's description, unless it is a shared named type's: that documents the type, not this use of it. */
function ownDescription(schema: z.ZodType, ctx: ZodTypeContext, self?: z.ZodType): string | undefined {
  return ctx.nameOf(schema) !== undefined && schema !== self ? undefined : schema.description;
}

/** `starts_with` → `startsWith`. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
