/**
 * Random schemas for the schema fuzzer: a small model of what a schema can
 * say, generated with fast-check, written out as a Zod module and as
 * TypeScript interfaces (the same service), and values of its types, valid
 * and invalid.
 */
import fc from "fast-check";

/** A type the model can state in both formats. Constraints sit on slots (parameters, fields), where both formats can say them. */
export type ModelType =
  | { readonly kind: "string"; readonly min?: number; readonly max?: number; readonly pattern?: true; readonly format?: "email" | "uuid" }
  | { readonly kind: "number"; readonly int: boolean; readonly min?: number; readonly max?: number }
  | { readonly kind: "boolean" | "bigint" | "date" | "bytes" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "array"; readonly of: ModelType; readonly min?: number; readonly max?: number }
  | { readonly kind: "tuple"; readonly items: readonly ModelType[] }
  | { readonly kind: "record"; readonly of: ModelType }
  | { readonly kind: "object"; readonly fields: readonly ModelField[] }
  | { readonly kind: "nullable"; readonly of: ModelType }
  | { readonly kind: "ref"; readonly name: string };

export interface ModelField {
  readonly name: string;
  readonly type: ModelType;
  readonly optional: boolean;
}

export interface ModelParam {
  readonly name: string;
  readonly type: ModelType;
  /** Left out by callers sometimes; with a default, the handler then gets the default. */
  readonly optional: boolean;
  readonly default?: string | number | boolean;
}

export interface ModelMethod {
  readonly name: string;
  readonly params: readonly ModelParam[];
}

export interface ModelSchema {
  readonly types: readonly { readonly name: string; readonly type: ModelType }[];
  readonly methods: readonly ModelMethod[];
}

/** Names that have broken generated code, and ordinary ones. */
const HOSTILE_NAMES = ["args", "handlers", "callContext", "callOptions", "options", "class", "default", "delete", "z", "value", "constructor", "then", "toString", "new"];
const paramName = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/));
const fieldName = fc.oneof(fc.constantFrom("args", "class", "type", "default", "__proto__x", "then"), fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/));
const methodName = fc.oneof(fc.constantFrom("caller", "constructor", "then", "get-user", "string.lower", "a.b-c"), fc.stringMatching(/^[a-z][a-z0-9]{0,6}(\.[a-z][a-z0-9]{0,6}){0,2}$/));

const bounds = (limit: number) =>
  fc.tuple(fc.option(fc.integer({ min: 0, max: limit }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: limit }), { nil: undefined })).map(([a, b]) =>
    a !== undefined && b !== undefined && a > b ? { min: b, max: a } : { ...(a === undefined ? {} : { min: a }), ...(b === undefined ? {} : { max: b }) },
  );

/** An enum's values. Built once: fast-check tokenizes a regex's strings each time it builds stringMatching, which took a second of a run. */
const enumValues = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { minLength: 1, maxLength: 4 });

/** {@link typeArbitrary}'s arbitraries, built once for each depth and set of refs (building them costs more than drawing from them). */
const typeArbitraries = new Map<string, fc.Arbitrary<ModelType>>();

/** Types, `depth` levels deep at most; `refs` are the named types they may use. */
function typeArbitrary(depth: number, refs: readonly string[]): fc.Arbitrary<ModelType> {
  const key = `${depth}:${refs.join(",")}`;
  let built = typeArbitraries.get(key);
  if (built === undefined) typeArbitraries.set(key, (built = buildTypeArbitrary(depth, refs)));
  return built;
}

function buildTypeArbitrary(depth: number, refs: readonly string[]): fc.Arbitrary<ModelType> {
  const leaves: fc.Arbitrary<ModelType>[] = [
    fc.oneof(
      bounds(6).map((b) => ({ kind: "string" as const, ...b })),
      fc.constant({ kind: "string" as const, pattern: true as const }),
      fc.constantFrom({ kind: "string" as const, format: "email" as const }, { kind: "string" as const, format: "uuid" as const }),
    ),
    fc.tuple(fc.boolean(), bounds(1000)).map(([int, b]) => ({ kind: "number" as const, int, ...b })),
    fc.constantFrom<ModelType>({ kind: "boolean" }, { kind: "bigint" }, { kind: "date" }, { kind: "bytes" }),
    enumValues.map((values) => ({ kind: "enum" as const, values })),
    ...(refs.length > 0 ? [fc.constantFrom(...refs).map((name) => ({ kind: "ref" as const, name }))] : []),
  ];
  if (depth === 0) return fc.oneof(...leaves);
  const inner = typeArbitrary(depth - 1, refs);
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...leaves) },
    { weight: 1, arbitrary: fc.tuple(inner, bounds(4)).map(([of, b]) => ({ kind: "array" as const, of, ...b })) },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((items) => ({ kind: "tuple" as const, items })) },
    { weight: 1, arbitrary: inner.map((of) => ({ kind: "record" as const, of })) },
    { weight: 1, arbitrary: inner.filter((t) => t.kind !== "nullable").map((of) => ({ kind: "nullable" as const, of })) },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.record({ name: fieldName, type: inner, optional: fc.boolean() }), { selector: (f) => f.name, minLength: 1, maxLength: 4 })
        .map((fields) => ({ kind: "object" as const, fields })),
    },
  );
}

/** A default for a parameter's type, where the model has a simple one. */
function defaultFor(type: ModelType): fc.Arbitrary<string | number | boolean | undefined> {
  switch (type.kind) {
    case "boolean":
      return fc.option(fc.boolean(), { nil: undefined });
    case "enum":
      return fc.option(fc.constantFrom(...type.values), { nil: undefined });
    case "number":
      return type.min === undefined && type.max === undefined ? fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }) : fc.constant(undefined);
    default:
      return fc.constant(undefined);
  }
}

/** A whole schema: up to 3 named types (each may use the earlier ones) and up to 3 methods with up to 4 parameters (optional ones last). */
export const schemaArbitrary: fc.Arbitrary<ModelSchema> = fc
  .integer({ min: 0, max: 3 })
  .chain((typeCount) => {
    const names = Array.from({ length: typeCount }, (_, i) => `T${i}Shape`);
    const types = fc.tuple(...names.map((name, i) => typeArbitrary(2, names.slice(0, i)).map((type) => ({ name, type }))));
    const param = (optional: boolean) =>
      fc.tuple(paramName, typeArbitrary(2, names)).chain(([name, type]) =>
        (optional ? defaultFor(type) : fc.constant(undefined)).map((value) => ({ name, type, optional, ...(value === undefined ? {} : { default: value }) })),
      );
    const method = fc
      .tuple(methodName, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }))
      .chain(([name, required, optional]) =>
        fc.tuple(...Array.from({ length: required }, () => param(false)), ...Array.from({ length: optional }, () => param(true))).map((params) => ({ name, params })),
      )
      .filter((m) => new Set(m.params.map((p) => p.name)).size === m.params.length);
    return fc.tuple(types, fc.uniqueArray(method, { selector: (m) => localName(m.name), minLength: 1, maxLength: 3 })).map(([t, methods]) => ({ types: t, methods }));
  });

/** As the compiler names a method in code (for uniqueness here). */
function localName(wire: string): string {
  const [first = "", ...rest] = wire.split(/[.-]/);
  return first + rest.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
}

// ---- The schema, written out -------------------------------------------------------------------------------------

const PATTERN = "^[a-z]+$";

/** A type as Zod, constraints and all. */
export function zodText(type: ModelType): string {
  switch (type.kind) {
    case "string": {
      if (type.format === "email") return "z.email()";
      if (type.format === "uuid") return "z.uuid()";
      if (type.pattern) return `z.string().regex(/${PATTERN}/)`;
      return `z.string()${type.min === undefined ? "" : `.min(${type.min})`}${type.max === undefined ? "" : `.max(${type.max})`}`;
    }
    case "number":
      return `z.number()${type.int ? ".int()" : ""}${type.min === undefined ? "" : `.min(${type.min})`}${type.max === undefined ? "" : `.max(${type.max})`}`;
    case "boolean":
      return "z.boolean()";
    case "bigint":
      return "z.bigint()";
    case "date":
      return "z.date()";
    case "bytes":
      return "bytes()";
    case "enum":
      return `z.enum(${JSON.stringify(type.values)})`;
    case "array":
      return `z.array(${zodText(type.of)})${type.min === undefined ? "" : `.min(${type.min})`}${type.max === undefined ? "" : `.max(${type.max})`}`;
    case "tuple":
      return `z.tuple([${type.items.map(zodText).join(", ")}])`;
    case "record":
      return `z.record(z.string(), ${zodText(type.of)})`;
    case "object":
      return `z.object({ ${type.fields.map((f) => `${JSON.stringify(f.name)}: ${zodText(f.type)}${f.optional ? ".optional()" : ""}`).join(", ")} })`;
    case "nullable":
      return `${zodText(type.of)}.nullable()`;
    case "ref":
      return type.name;
  }
}

/** A schema as a Zod module, its service named `name`. */
export function zodModule(schema: ModelSchema, name: string): string {
  const out = ['import { z } from "zod";', 'import { bytes, method, service } from "pseud-gen/schema";', ""];
  for (const t of schema.types) out.push(`export const ${t.name} = ${zodText(t.type)};`);
  out.push(`export const svc = service(${JSON.stringify(name)}, {`, "  methods: {");
  for (const m of schema.methods) {
    const params = m.params.map((p) => {
      const base = zodText(p.type);
      const slot = p.default !== undefined ? `${base}.default(${JSON.stringify(p.default)})` : p.optional ? `${base}.optional()` : base;
      return `${JSON.stringify(p.name)}: ${slot}`;
    });
    const first = m.params[0] as ModelParam;
    out.push(`    ${JSON.stringify(m.name)}: method({ params: { ${params.join(", ")} }, returns: ${zodText(first.type)} }),`);
  }
  out.push("  },", "});", "");
  return out.join("\n");
}

/** TSDoc tags for a slot's own constraints: what the interface format says where Zod chains calls. */
function tags(type: ModelType): string[] {
  switch (type.kind) {
    case "string":
      if (type.format !== undefined) return [`@format ${type.format}`];
      if (type.pattern) return [`@pattern ${PATTERN}`];
      return [...(type.min === undefined ? [] : [`@minLength ${type.min}`]), ...(type.max === undefined ? [] : [`@maxLength ${type.max}`])];
    case "number":
      return [...(type.min === undefined ? [] : [`@minimum ${type.min}`]), ...(type.max === undefined ? [] : [`@maximum ${type.max}`])];
    case "array":
      return [...(type.min === undefined ? [] : [`@minItems ${type.min}`]), ...(type.max === undefined ? [] : [`@maxItems ${type.max}`])];
    case "nullable":
      return tags(type.of);
    default:
      return [];
  }
}

/**
 * A type as TypeScript. Constraints deeper than a slot (an array's element,
 * a tuple's item, a record's value) have no tag there: such types get an
 * alias of their own, which carries them.
 */
function tsText(type: ModelType, aliases: string[], prefix: string): string {
  const slotted = (inner: ModelType): string => {
    if (tags(inner).length === 0) return tsText(inner, aliases, prefix);
    const name = `${prefix}Alias${aliases.length}`;
    aliases.push(""); // reserve the index before converting the inner type, which may add aliases
    aliases[aliases.length - 1] = `${doc(tags(inner))}export type ${name} = ${tsText(inner, aliases, prefix)};`;
    return name;
  };
  switch (type.kind) {
    case "string":
      return "string";
    case "number":
      return type.int ? "Int" : "number";
    case "boolean":
      return "boolean";
    case "bigint":
      return "bigint";
    case "date":
      return "Date";
    case "bytes":
      return "Uint8Array";
    case "enum":
      return type.values.map((v) => JSON.stringify(v)).join(" | ");
    case "array":
      return `Array<${slotted(type.of)}>`;
    case "tuple":
      return `[${type.items.map(slotted).join(", ")}]`;
    case "record":
      return `Record<string, ${slotted(type.of)}>`;
    case "object":
      return `{ ${type.fields.map((f) => `${doc(tags(f.type))}${JSON.stringify(f.name)}${f.optional ? "?" : ""}: ${tsText(f.type, aliases, prefix)}`).join("; ")} }`;
    case "nullable":
      return `(${tsText(type.of, aliases, prefix)}) | null`;
    case "ref":
      return type.name;
  }
}

/** Alias names unique to a service, so that several schemas share one project. */
function typeNamePrefix(service: string): string {
  return service.charAt(0).toUpperCase() + service.slice(1);
}

function doc(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `/** ${lines.join(" ")} */ `;
}

/** Words TypeScript does not take as a parameter's name: an interface schema cannot name a parameter so (a Zod schema can). */
const RESERVED = new Set(["class", "default", "delete", "new", "this", "function", "var", "in", "if", "for", "do", "case", "null", "true", "false", "void", "with", "while", "typeof", "try", "throw", "switch", "super", "return", "import", "export", "extends", "enum", "else", "debugger", "continue", "const", "catch", "break", "finally", "instanceof"]);

/** The schema as an interface schema can say it: parameters named with reserved words get another name. */
export function interfaceSafe(schema: ModelSchema): ModelSchema {
  return { ...schema, methods: schema.methods.map((m) => ({ ...m, params: m.params.map((p) => (RESERVED.has(p.name) ? { ...p, name: `${p.name}Value` } : p)) })) };
}

/** A schema as TypeScript interfaces, its service named `name`. */
export function interfaceModule(schema: ModelSchema, name: string): string {
  const aliases: string[] = [];
  const body: string[] = [];
  const prefix = typeNamePrefix(name);
  for (const t of schema.types) body.push(`${doc(tags(t.type))}export type ${t.name} = ${tsText(t.type, aliases, prefix)};`);
  body.push(`/** @service ${name} */`, "export interface Service {");
  for (const m of schema.methods) {
    const params = m.params.map((p) => {
      const lines = [...tags(p.type), ...(p.default === undefined ? [] : [`@default ${JSON.stringify(p.default)}`])];
      return `${doc(lines)}${p.name}${p.optional ? "?" : ""}: ${tsText(p.type, aliases, prefix)}`;
    });
    const first = m.params[0] as ModelParam;
    if (tags(first.type).length > 0) body.push(`  /** ${tags(first.type).join(" ")} */`); // the method's doc constrains its result
    body.push(`  ${JSON.stringify(m.name)}(${params.join(", ")}): ${tsText(first.type, aliases, prefix)};`);
  }
  body.push("}", "");
  return ['import type { Int } from "pseud-gen/schema";', "", ...aliases, ...body].join("\n");
}

// ---- Values ------------------------------------------------------------------------------------------------------

/** A string that matches the model's pattern, and a record's key (built once, as {@link enumValues}). */
const patternValue = fc.stringMatching(/^[a-z]{1,8}$/);
const recordKey = fc.stringMatching(/^[a-z]{1,4}$/);

/** Valid values of a type (refs resolved through `types`), as they cross the wire and come back equal. */
export function valueArbitrary(type: ModelType, types: ModelSchema["types"]): fc.Arbitrary<unknown> {
  const of = (t: ModelType) => valueArbitrary(t, types);
  switch (type.kind) {
    case "string":
      if (type.format === "email") return fc.constantFrom("a@b.co", "first.last@example.org", "x_y+z@mail.example.com");
      if (type.format === "uuid") return fc.uuid({ version: 4 });
      if (type.pattern) return patternValue;
      // Zod counts UTF-16 code units; a grapheme is one or more of them.
      return fc.string({ unit: "grapheme", minLength: type.min ?? 0, maxLength: type.max ?? Math.max(type.min ?? 0, 12) }).filter((s) => s.length <= (type.max ?? Number.MAX_SAFE_INTEGER));
    case "number": {
      const min = type.min ?? -1e6;
      const max = type.max ?? 1e6;
      return type.int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
    }
    case "boolean":
      return fc.boolean();
    case "bigint":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case "date":
      return fc.date({ min: new Date(-8.64e15 / 100), max: new Date(8.64e15 / 100), noInvalidDate: true });
    case "bytes":
      return fc.uint8Array({ maxLength: 16 });
    case "enum":
      return fc.constantFrom(...type.values);
    case "array":
      return fc.array(of(type.of), { minLength: type.min ?? 0, maxLength: type.max ?? Math.max(type.min ?? 0, 3) });
    case "tuple":
      return fc.tuple(...type.items.map(of));
    case "record":
      return fc.dictionary(recordKey, of(type.of), { maxKeys: 3 }).map((d) => ({ ...d }));
    case "object":
      return fc.record(Object.fromEntries(type.fields.map((f) => [f.name, of(f.type)])), { requiredKeys: type.fields.filter((f) => !f.optional).map((f) => f.name) });
    case "nullable":
      return fc.oneof(fc.constant(null), of(type.of));
    case "ref":
      return of((types.find((t) => t.name === type.name) as { type: ModelType }).type);
  }
}

/** A value no validator of this type accepts, and that msgpack carries. */
export function invalidValue(type: ModelType, types: ModelSchema["types"]): unknown {
  switch (type.kind) {
    case "nullable":
      return invalidValue(type.of, types);
    case "ref":
      return invalidValue((types.find((t) => t.name === type.name) as { type: ModelType }).type, types);
    case "object":
    case "record":
    case "tuple":
    case "array":
      return 12345;
    default:
      return { not: "this" };
  }
}
