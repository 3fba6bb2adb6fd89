import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ExportDeclaration, Node, type SourceFile, ts } from "ts-morph";
import { checkSchema } from "../ir/check.js";
import { sortBy } from "../ir/names.js";
import type { Diagnostic, IrNamedType, IrSchema } from "../ir/types.js";
import { readInterfaceFile } from "./interfaces.js";
import { locationIn } from "./source-files.js";
import { withSchemaProject } from "./schema-project.js";
import { type ModuleLoader, moduleLoader } from "./schema-modules.js";
import { nameSharedSchemas, type ReadResult, readZodModule, type ZodModule } from "./zod.js";
import { indexZodDeclarations } from "./zod-locations.js";

/** What reading a set of schema files gave: the IR, and every mistake found (none when it can be generated). */
export interface SchemaRead {
  readonly schema: IrSchema;
  readonly diagnostics: readonly Diagnostic[];
}

/** How to read: the project root (paths are shown relative to it) and an optional progress report. */
export interface ReadOptions {
  readonly root: string;
  /** The tsconfig whose paths and options apply; default: the root's tsconfig.json, if any. */
  readonly tsconfig?: string;
  readonly onFile?: (file: string, index: number, total: number) => void;
}

/**
 * Reads schema files, each in its own format: a file with an interface
 * tagged `@service`, or one that exports only types, is an interface schema
 * (ts-morph); any other is a Zod schema module, loaded with tsx. A module
 * may hold services, shared named types, or both; one with neither adds
 * nothing. Then checks the whole.
 */
export async function readSchemas(files: readonly string[], options: ReadOptions): Promise<SchemaRead> {
  const { root } = options;
  const candidate = options.tsconfig ?? join(root, "tsconfig.json");
  const tsconfig = existsSync(candidate) ? candidate : undefined;
  // The project forgets the schema files once this read ends: everything that uses their syntax trees happens inside.
  return withSchemaProject(tsconfig, async (project) => {
    const results: ReadResult[] = [];
    const diagnostics: Diagnostic[] = [];
    const zodModules: ZodModule[] = [];
    // Made at the first Zod module: a read of interface schemas alone loads no module.
    let loader: ModuleLoader | undefined;
    try {
      for (const [index, file] of files.entries()) {
        options.onFile?.(file, index, files.length);
        const source = project.addSourceFileAtPath(file);
        if (isInterfaceSchema(source)) {
          project.resolveSourceFileDependencies();
          results.push(readInterfaceFile(root, project, file));
          continue;
        }
        loader ??= moduleLoader(tsconfig);
        const loaded = await loader.load(file);
        if (loaded.ok) zodModules.push({ file, index: indexZodDeclarations(source), exports: loaded.exports });
        else diagnostics.push(...loadFailure(root, file, loaded.error));
      }
    } finally {
      await loader?.close();
    }
    // Every module is loaded before any is read, so a schema shared between modules has one name wherever it is used.
    const names = nameSharedSchemas(zodModules);
    for (const module of zodModules) results.push(readZodModule(root, module, names));

    const services = results.flatMap((r) => r.services);
    const types = uniqueDeclarations(results.flatMap((r) => r.types));
    for (const r of results) diagnostics.push(...r.diagnostics);
    const [first] = files;
    if (services.length === 0 && types.length === 0 && diagnostics.length === 0 && first !== undefined)
      diagnostics.push({ loc: locationIn(root, first, 1, 1), message: "nothing to generate: no schema file exports a service or a named type" });
    const schema: IrSchema = { services: sortBy(services, (s) => s.name), types: sortBy(types, (t) => t.name) };
    diagnostics.push(...checkSchema(schema));
    return { schema, diagnostics: dedupe(diagnostics) };
  });
}

/**
 * An interface declares a service, or the file exports types and nothing
 * else (a module of shared types). Read from the syntax alone where it can
 * be: asking the type checker for a module's exports binds everything it
 * imports (all of zod's declarations, for a Zod schema), which cost most of
 * a `gen`. A re-export (`export { X } from`) is followed to the module it
 * names, by syntax too; only one that syntax cannot settle needs the checker.
 */
function isInterfaceSchema(source: SourceFile): boolean {
  if (source.getInterfaces().some((i) => i.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "service")))) return true;
  let exportsTypes = false;
  for (const statement of source.getStatements()) {
    if (Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) {
      exportsTypes ||= statement.isExported();
    } else if (Node.isExportDeclaration(statement)) {
      if (!statement.isTypeOnly()) {
        const reexported = reexportsTypes(statement);
        if (reexported === undefined) return exportsOnlyTypes(source);
        if (!reexported) return false; // a value from another module: a Zod schema module
      }
      exportsTypes = true;
    } else if (Node.isExportAssignment(statement) || (Node.isExportable(statement) && statement.isExported())) {
      return false; // a value: a Zod schema module
    }
  }
  return exportsTypes;
}

/**
 * Whether `export { A, B } from "./m"` re-exports types only, by the syntax
 * of the module it names: true when each name is an interface or type alias
 * declared there, false when one is a value declared there (a Zod schema);
 * undefined when syntax cannot tell (no module named, a module that does not
 * resolve, `export *`, a name that module itself imports or re-exports), for
 * the type checker to answer.
 */
function reexportsTypes(statement: ExportDeclaration): boolean | undefined {
  const specifier = statement.getModuleSpecifierValue();
  const named = statement.getNamedExports();
  if (specifier === undefined || named.length === 0) return undefined;
  const source = statement.getSourceFile();
  const project = source.getProject();
  const resolved = ts.resolveModuleName(specifier, source.getFilePath(), project.getCompilerOptions(), ts.sys).resolvedModule;
  const target = resolved && project.addSourceFileAtPathIfExists(resolved.resolvedFileName);
  if (target === undefined) return undefined;
  let allTypes = true;
  for (const entry of named) {
    if (entry.isTypeOnly()) continue;
    const kind = declaredKind(target, entry.getNameNode().getText());
    if (kind === undefined) return undefined;
    allTypes &&= kind === "type";
  }
  return allTypes;
}

/**
 * What a module's own top-level declaration of `name` is, if it declares it
 * itself. A value first: `export const Todo = z.object(…)` often has
 * `export type Todo = z.infer<typeof Todo>` beside it, and re-exporting the
 * name re-exports both.
 */
function declaredKind(source: SourceFile, name: string): "type" | "value" | undefined {
  if (source.getVariableDeclaration(name) ?? source.getFunction(name) ?? source.getClass(name) ?? source.getEnum(name)) return "value";
  if (source.getInterface(name) ?? source.getTypeAlias(name)) return "type";
  return undefined;
}

/** What a module exports, by the type checker: interfaces and type aliases only. */
function exportsOnlyTypes(source: SourceFile): boolean {
  const declarations = [...source.getExportedDeclarations().values()].flat();
  return declarations.length > 0 && declarations.every((d) => Node.isInterfaceDeclaration(d) || Node.isTypeAliasDeclaration(d));
}

/** Named types found twice (an interface types module read itself, and through a service that uses it) are one. */
function uniqueDeclarations(types: readonly IrNamedType[]): IrNamedType[] {
  const seen = new Set<string>();
  return types.filter((t) => {
    const key = `${t.name}\u0000${t.loc.file}:${t.loc.line}:${t.loc.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** esbuild's lines in a failed transform: `/abs/file.ts:4:14: ERROR: Unexpected ","`, the column 0-based. */
const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.*)$/;

/**
 * Why a module did not load, where it went wrong: a syntax error (esbuild's
 * "Transform failed", which may be in a module the schema imports) at each
 * of its places with esbuild's own words; anything else at the schema file.
 */
function loadFailure(root: string, file: string, error: unknown): Diagnostic[] {
  const text = error instanceof Error ? error.message : String(error);
  const [first = "", ...rest] = text.split("\n");
  const syntax = first.startsWith("Transform failed")
    ? rest.flatMap((line) => {
        const match = ESBUILD_ERROR.exec(line);
        if (!match) return [];
        const [, at = file, lineNo = "1", column = "0", message = ""] = match;
        return [{ loc: locationIn(root, resolve(at), Number(lineNo), Number(column) + 1), message: `cannot load schema module: ${message}` }];
      })
    : [];
  return syntax.length > 0 ? syntax : [{ loc: locationIn(root, file, 1, 1), message: `cannot load schema module: ${first}` }];
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.loc.file}:${d.loc.line}:${d.loc.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
