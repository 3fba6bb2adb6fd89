import type { z } from "zod";
import { localName, sortBy, typeName } from "../ir/names.js";
import type { Diagnostic, IrEvent, IrMethod, IrNamedType, IrParam, IrService, IrType, SourceLocation } from "../ir/types.js";
import { EVENT_MARK, type EventDefinition, type Events, type MethodDefinition, type Methods, METHOD_MARK, SERVICE_MARK, type ServiceDefinition } from "../schema/index.js";
import { locationIn } from "./source-files.js";
import { type Scope, scopes, type ZodDeclarationIndex } from "./zod-locations.js";
import { convertSlot, type ZodTypeContext } from "./zod-types.js";

/** What one schema file gave. */
export interface ReadResult {
  readonly services: readonly IrService[];
  readonly types: readonly IrNamedType[];
  readonly diagnostics: readonly Diagnostic[];
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
    const converted = convertSlot(value, context(scopes.exported(name), loc, `type ${name}`), value);
    if (converted.optional) diagnostics.push({ loc, message: `named type ${name} cannot be optional or have a default; make the field or parameter optional instead` });
    types.push({ name, type: converted.type, doc: converted.doc, loc });
  }
  for (const position of index.functionDefaults())
    diagnostics.push({
      loc: locationIn(root, file, position.line, position.column),
      message: "a default must be a value written in the schema, not a function: generated validators carry the value",
    });

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
      events: readEvents(value.name, value.spec.events ?? {}, loc),
      loc,
    });
  }
  return { services, types, diagnostics };

  /** How the type converter reports: at the Zod call that caused it, else at `fallback`, the message prefixed with what it is about. */
  function context(scope: Scope, fallback: SourceLocation, what: string, path: readonly string[] = []): ZodTypeContext {
    return {
      nameOf: (schema) => names.get(schema)?.name,
      report: (calls, message) => {
        const position = index.find(scope, path, calls);
        diagnostics.push({ loc: position ? locationIn(root, file, position.line, position.column) : fallback, message: `${what}: ${message}` });
      },
      field: (name) => context(scope, fallback, `${what}, field ${name}`, [...path, name]),
    };
  }

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
      out.push(readMethod(service, group, name, definition, loc));
    }
    return sortBy(out, (m) => m.name);
  }

  function readEvents(service: string, events: Events, serviceLoc: SourceLocation): IrEvent[] {
    if (typeof events !== "object" || events === null) {
      diagnostics.push({ loc: serviceLoc, message: `events of ${service} must be an object of event(...) definitions` });
      return [];
    }
    const out: IrEvent[] = [];
    for (const [name, definition] of Object.entries(events)) {
      if (!isEvent(definition)) {
        diagnostics.push({ loc: serviceLoc, message: `events of ${service}: ${JSON.stringify(name)} is not declared with event(...)` });
        continue;
      }
      const written = index.method(service, "events", name);
      const loc = written ? locationIn(root, file, written.line, written.column) : declaredAt(definition.declaredAt) ?? serviceLoc;
      const { payload, doc } = definition.spec;
      if (!isZodSchema(payload)) {
        diagnostics.push({ loc, message: `payload of event ${name} is not a Zod type` });
        continue;
      }
      const converted = convertSlot(payload, context(scopes.returns(service, "events", name), loc, `payload of event ${name}`));
      if (converted.optional) diagnostics.push({ loc, message: `payload of event ${name} cannot be optional or have a default; use .nullable()` });
      out.push({ name, localName: localName(name), payload: converted.type, doc, loc });
    }
    return sortBy(out, (e) => e.name);
  }

  function readMethod(service: string, group: "methods" | "clientMethods", name: string, definition: MethodDefinition, loc: SourceLocation): IrMethod {
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
        const converted = convertSlot(schema, context(scopes.param(service, group, name, param), loc, `parameter ${param} of ${name}`));
        params.push({ name: param, type: converted.type, optional: converted.optional, default: converted.default, doc: converted.doc });
      }
    }
    let returns: IrType = { kind: "void" };
    if (spec.returns === undefined) diagnostics.push({ loc, message: `method ${name} has no return type (use z.void() for none)` });
    else if (!isZodSchema(spec.returns)) diagnostics.push({ loc, message: `return type of ${name} is not a Zod type` });
    else {
      const converted = convertSlot(spec.returns, context(scopes.returns(service, group, name), loc, `return type of ${name}`));
      if (converted.optional) diagnostics.push({ loc, message: `return type of ${name} cannot be optional or have a default; use .nullable() or z.void()` });
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

function isEvent(value: unknown): value is EventDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[EVENT_MARK] === true;
}

function isMethod(value: unknown): value is MethodDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[METHOD_MARK] === true;
}
