import type { z } from "zod";
import { localName, sortBy, typeName } from "../ir/names.js";
import { union } from "../ir/normalize.js";
import type { Diagnostic, IrField, IrMethod, IrNamedType, IrParam, IrService, IrType, SourceLocation } from "../ir/types.js";
import {
  BYTES_MARK,
  type MethodDefinition,
  type Methods,
  METHOD_MARK,
  SERVICE_MARK,
  type ServiceDefinition,
} from "../schema/index.js";
import { locationIn } from "./source-files.js";
import type { ZodDeclarationIndex } from "./zod-locations.js";

/** What one schema file gave. */
export interface ReadResult {
  readonly services: readonly IrService[];
  readonly types: readonly IrNamedType[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The slice of a Zod v4 schema's internals this reader walks (`schema._zod.def`). */
interface ZodDef {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A loaded Zod schema module: its file, where its declarations are written, and its exports. */
export interface ZodModule {
  readonly file: string;
  readonly index: ZodDeclarationIndex;
  readonly exports: Readonly<Record<string, unknown>>;
}

/** Each exported Zod schema of the modules read, by object: its name and the module that declares it. */
export type SharedNames = ReadonlyMap<unknown, { readonly name: string; readonly file: string }>;

/**
 * Names the Zod schemas the modules export, across modules: a schema that a
 * types module exports and a service module imports, or re-exports, is one
 * named type, declared where it is written. A second name for the same
 * object is an alias, a named type of its own.
 */
export function nameSharedSchemas(modules: readonly ZodModule[]): SharedNames {
  const names = new Map<unknown, { name: string; file: string; declared: boolean }>();
  for (const { file, index, exports } of modules) {
    for (const [name, value] of Object.entries(exports)) {
      if (!isZodSchema(value)) continue;
      const declared = index.exportedConst(name) !== undefined;
      const known = names.get(value);
      if (known === undefined || (known.name === name && !known.declared && declared)) names.set(value, { name, file, declared });
    }
  }
  return names;
}

/**
 * Zod schema module → IR. Every exported `service(...)` is a service; every
 * other exported Zod schema a named type (unless another module declares
 * it), referred to by its name wherever a method uses it, in any module.
 */
export function readZodModule(root: string, { file, index, exports }: ZodModule, names: SharedNames): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const fileLoc = locationIn(root, file, 1, 1);
  for (const [name, value] of Object.entries(exports)) {
    if (isZod3Schema(value)) {
      const position = index.exportedConst(name) ?? { line: 1, column: 1 };
      diagnostics.push({ loc: locationIn(root, file, position.line, position.column), message: `${name} is a Zod 3 schema; pseud needs zod 4 (npm install zod@^4)` });
    }
  }

  const types: IrNamedType[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (!isZodSchema(value)) continue;
    const owner = names.get(value);
    if (owner !== undefined && owner.name === name && owner.file !== file) continue; // imported, or re-exported: declared elsewhere
    const position = index.exportedConst(name) ?? { line: 1, column: 1 };
    const loc = locationIn(root, file, position.line, position.column);
    const converted = convertTop(value, loc, `type ${name}`, value);
    if (converted.optional) diagnostics.push({ loc, message: `named type ${name} cannot be optional; make the field or parameter optional instead` });
    types.push({ name, type: converted.type, doc: converted.doc, loc });
  }

  const services: IrService[] = [];
  const exported = new Set(Object.values(exports).flatMap((value) => (isService(value) ? [value.name] : [])));
  for (const [name, position] of index.services()) {
    if (!exported.has(name))
      diagnostics.push({ loc: locationIn(root, file, position.line, position.column), message: `service ${JSON.stringify(name)} is declared but not exported: pseud reads a module's exports` });
  }
  for (const value of Object.values(exports)) {
    if (!isService(value)) continue;
    const written = index.service(value.name);
    const loc = written ? locationIn(root, file, written.line, written.column) : declaredAt(value.declaredAt) ?? fileLoc;
    services.push({
      name: value.name,
      typeName: typeName(value.name),
      doc: value.spec.doc,
      methods: readMethods(value.name, "methods", value.spec.methods, loc),
      clientMethods: readMethods(value.name, "clientMethods", value.spec.clientMethods ?? {}, loc),
      loc,
    });
  }
  return { services, types, diagnostics };

  /** Where the schema API saw a declaration being made; undefined when that was no file (a loader's wrapper). */
  function declaredAt(at: { file: string; line: number; column: number } | undefined): SourceLocation | undefined {
    return at && !at.file.startsWith("data:") ? locationIn(root, at.file, at.line, at.column) : undefined;
  }

  function readMethods(service: string, group: "methods" | "clientMethods", methods: Methods, serviceLoc: SourceLocation): IrMethod[] {
    const owner = group === "methods" ? `service ${service}` : `client methods of ${service}`;
    if (typeof methods !== "object" || methods === null) {
      diagnostics.push({ loc: serviceLoc, message: `${owner}: methods must be an object of method(...) definitions` });
      return [];
    }
    const out: IrMethod[] = [];
    for (const [name, definition] of Object.entries(methods)) {
      if (!isMethod(definition)) {
        diagnostics.push({ loc: serviceLoc, message: `${owner}: ${JSON.stringify(name)} is not declared with method(...)` });
        continue;
      }
      const written = index.method(service, group, name);
      const loc = written ? locationIn(root, file, written.line, written.column) : declaredAt(definition.declaredAt) ?? serviceLoc;
      out.push(readMethod(name, definition, loc));
    }
    return sortBy(out, (m) => m.name);
  }

  function readMethod(name: string, definition: MethodDefinition, loc: SourceLocation): IrMethod {
    const { spec } = definition;
    const params: IrParam[] = [];
    if (typeof spec.params !== "object" || spec.params === null) {
      diagnostics.push({ loc, message: `method ${name}: params must be an object of Zod types` });
    } else {
      for (const [param, schema] of Object.entries(spec.params)) {
        if (!isZodSchema(schema)) {
          diagnostics.push({ loc, message: `parameter ${param} of ${name} is not a Zod type` });
          continue;
        }
        const converted = convertTop(schema, loc, `parameter ${param} of ${name}`);
        params.push({ name: param, type: converted.type, optional: converted.optional, doc: converted.doc });
      }
    }
    let returns: IrType = { kind: "void" };
    if (spec.returns === undefined) diagnostics.push({ loc, message: `method ${name} has no return type (use z.void() for none)` });
    else if (!isZodSchema(spec.returns)) diagnostics.push({ loc, message: `return type of ${name} is not a Zod type` });
    else {
      const converted = convertTop(spec.returns, loc, `return type of ${name}`);
      if (converted.optional) diagnostics.push({ loc, message: `return type of ${name} cannot be optional; use .nullable() or z.void()` });
      returns = converted.type;
    }
    return {
      name,
      localName: localName(name),
      domain: spec.domain ?? "default",
      params,
      returns,
      errors: [...(spec.errors ?? [])].sort(),
      doc: spec.doc,
      loc,
    };
  }

  /** A parameter, field or named type: `.optional()` and `.default()` at the top say "may be left out". */
  /** `self`: the named type being defined, which is expanded rather than referred to. */
  function convertTop(schema: z.ZodType, loc: SourceLocation, what: string, self?: z.ZodType): { type: IrType; optional: boolean; doc: string | undefined } {
    const doc = ownDescription(schema, self);
    const d = def(schema);
    if (d.type === "optional" || d.type === "default") {
      const inner = d.innerType as z.ZodType;
      return { type: convert(inner, loc, what, new Set()), optional: true, doc: doc ?? ownDescription(inner) };
    }
    return { type: convert(schema, loc, what, new Set(), self), optional: false, doc };
  }

  /** A schema's description, unless it is a shared named type's: that documents the type, not this use of it. */
  function ownDescription(schema: z.ZodType, self?: z.ZodType): string | undefined {
    return names.has(schema) && schema !== self ? undefined : schema.description;
  }

  function convert(schema: z.ZodType, loc: SourceLocation, what: string, visiting: Set<unknown>, self?: unknown): IrType {
    const named = names.get(schema)?.name;
    if (named !== undefined && schema !== self) return { kind: "ref", name: named };
    if ((schema as unknown as Record<symbol, unknown>)[BYTES_MARK] === true) return { kind: "primitive", name: "bytes" };
    if (visiting.has(schema)) return unsupported(`a recursive type must be an exported (named) schema, reached through z.lazy`);
    const d = def(schema);
    const inner = (child: unknown) => convert(child as z.ZodType, loc, what, new Set([...visiting, schema]));
    switch (d.type) {
      case "string":
      case "boolean":
      case "bigint":
      case "date":
      case "null":
        return { kind: "primitive", name: d.type };
      case "number":
        return { kind: "primitive", name: isInteger(d) ? "integer" : "number" };
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
        if (d.rest !== null && d.rest !== undefined) return unsupported("tuples with a rest element are not supported");
        return { kind: "tuple", items: (d.items as unknown[]).map(inner) };
      case "record":
        if (def(d.keyType as z.ZodType).type !== "string") return unsupported("record keys must be z.string() (msgpack maps here have string keys)");
        return { kind: "record", value: inner(d.valueType) };
      case "union":
        return union((d.options as unknown[]).map(inner));
      case "object": {
        const fields: IrField[] = [];
        for (const [name, field] of Object.entries(d.shape as Record<string, z.ZodType>)) {
          const fd = def(field);
          const optional = fd.type === "optional" || fd.type === "default";
          const type = optional ? inner(fd.innerType) : inner(field);
          const doc = ownDescription(field) ?? (optional ? ownDescription(fd.innerType as z.ZodType) : undefined);
          fields.push({ name, type, optional, doc });
        }
        return { kind: "object", fields };
      }
      case "optional":
      case "default":
        return unsupported("only parameters and object fields can be optional");
      case "custom":
        return unsupported("custom types are not supported; for bytes use bytes() from pseud-gen/schema");
      default:
        return unsupported(`Zod type "${d.type}" is not supported`);
    }

    function literal(value: unknown): IrType {
      if (value === null) return { kind: "primitive", name: "null" };
      if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))
        return { kind: "literal", value };
      return unsupported(`literal ${String(value)} is not supported (strings, finite numbers, booleans and null are)`);
    }

    function unsupported(message: string): IrType {
      diagnostics.push({ loc, message: `${what}: ${message}` });
      return { kind: "primitive", name: "null" };
    }
  }
}

function def(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** `z.int()` carries its format on the def; `z.number().int()` as a check. */
function isInteger(d: ZodDef): boolean {
  const formats = ["safeint", "int32", "uint32"];
  if (typeof d.format === "string" && formats.includes(d.format)) return true;
  const checks = (d.checks ?? []) as { _zod: { def: { check?: string; format?: string } } }[];
  return checks.some((c) => c._zod.def.check === "number_format" && formats.includes(c._zod.def.format ?? ""));
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value && typeof (value as { _zod?: { def?: unknown } })._zod?.def === "object";
}

/** Zod 3 schemas have `_def` and `safeParse` but no `_zod`. */
function isZod3Schema(value: unknown): boolean {
  return typeof value === "object" && value !== null && !("_zod" in value) && "_def" in value && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

function isService(value: unknown): value is ServiceDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SERVICE_MARK] === true;
}

function isMethod(value: unknown): value is MethodDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[METHOD_MARK] === true;
}
