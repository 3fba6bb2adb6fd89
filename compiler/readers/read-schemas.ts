import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Project } from "ts-morph";
import { checkSchema } from "../ir/check.js";
import { sortBy } from "../ir/names.js";
import type { Diagnostic, IrNamedType, IrSchema, IrService } from "../ir/types.js";
import { readInterfaceFile } from "./interfaces.js";
import { locationIn } from "./source-files.js";
import { readZodModule } from "./zod.js";
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
 * tagged `@service` is an interface schema (ts-morph); any other is a Zod
 * schema module, loaded with tsx. Then checks the whole.
 */
export async function readSchemas(files: readonly string[], options: ReadOptions): Promise<SchemaRead> {
  const { root } = options;
  const candidate = options.tsconfig ?? join(root, "tsconfig.json");
  const tsconfig = existsSync(candidate) ? candidate : undefined;
  const project = tsconfig
    ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true })
    : new Project({ compilerOptions: { strict: true } });
  const services: IrService[] = [];
  const types: IrNamedType[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [index, file] of files.entries()) {
    options.onFile?.(file, index, files.length);
    const source = project.addSourceFileAtPath(file);
    const isInterfaceSchema = source
      .getInterfaces()
      .some((i) => i.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "service")));
    let result: { services: readonly IrService[]; types: readonly IrNamedType[]; diagnostics: readonly Diagnostic[] };
    if (isInterfaceSchema) {
      project.resolveSourceFileDependencies();
      result = readInterfaceFile(root, project, file);
    } else {
      const loaded = await loadModule(file, tsconfig);
      if (!loaded.ok) {
        diagnostics.push(...loadFailure(root, file, loaded.error));
        continue;
      }
      if (!Object.values(loaded.exports).some(isService))
        diagnostics.push({ loc: locationIn(root, file, 1, 1), message: "no service here: export a service(...) or an interface tagged @service" });
      result = readZodModule(root, file, indexZodDeclarations(source), loaded.exports);
    }
    services.push(...result.services);
    types.push(...result.types);
    diagnostics.push(...result.diagnostics);
  }
  const schema: IrSchema = { services: sortBy(services, (s) => s.name), types: sortBy(types, (t) => t.name) };
  diagnostics.push(...checkSchema(schema));
  return { schema, diagnostics: dedupe(diagnostics) };
}

function isService(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[Symbol.for("pseud.schema.service")] === true;
}

type Loaded = { ok: true; exports: Record<string, unknown> } | { ok: false; error: unknown };

/**
 * Loads a TypeScript schema module with tsx: it compiles on the fly (esbuild)
 * and honours the project's tsconfig paths, and its source maps give the
 * schema API true positions for diagnostics. Each load is fresh, for --watch.
 */
async function loadModule(file: string, tsconfig: string | undefined): Promise<Loaded> {
  process.setSourceMapsEnabled(true);
  const { tsImport } = await import("tsx/esm/api");
  try {
    const url = `${pathToFileURL(file).href}?pseud=${Date.now()}`;
    const exports = (await tsImport(url, { parentURL: import.meta.url, ...(tsconfig ? { tsconfig } : {}) })) as Record<string, unknown>;
    return { ok: true, exports };
  } catch (error) {
    return { ok: false, error };
  }
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
