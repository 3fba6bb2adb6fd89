import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { glob } from "tinyglobby";
import { type ResolvedConfig } from "../config.js";
import { GENERATED_HEADER } from "../emit/header.js";
import { generate, type GeneratedFiles } from "../generate.js";
import type { Diagnostic, IrSchema } from "../ir/types.js";
import { readSchemas } from "../readers/read-schemas.js";

/** Where a command writes: stdout for results, stderr for diagnostics and progress. */
export interface Io {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
  /** Ends a command that runs until stopped (`gen --watch`); absent, the process's Ctrl-C (SIGINT) does. */
  readonly stop?: AbortSignal;
}

/** What reading a project's schemas gave: generated files when there were no mistakes. */
export type ProjectRead =
  | { readonly ok: true; readonly schema: IrSchema; readonly files: GeneratedFiles; readonly schemaFiles: readonly string[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly schemaFiles: readonly string[] };

/** Progress lines are shown from this many schema files on. */
const PROGRESS_FROM = 10;

/** Config → schema files → IR → generated files, in memory. Shared by gen and check, so they cannot disagree. */
export async function readProject(config: ResolvedConfig, io: Io): Promise<ProjectRead> {
  const schemaFiles = (await glob([...config.schemas], { cwd: config.root, absolute: true, ignore: [`${config.out}/**`] })).sort();
  if (schemaFiles.length === 0) {
    return { ok: false, schemaFiles, diagnostics: [{ loc: { file: config.schemas.join(", "), line: 1, column: 1 }, message: "no schema file matches" }] };
  }
  const { schema, diagnostics } = await readSchemas(schemaFiles, {
    root: config.root,
    onFile: (file, index, total) => {
      if (total >= PROGRESS_FROM) io.err(`[${index + 1}/${total}] ${file.slice(config.root.length + 1)}\n`);
    },
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics, schemaFiles };
  return { ok: true, schema, files: generate(schema, config.importExtension), schemaFiles };
}

/** Files in the output folder that pseud generated (they start with its header): candidates for "extra". */
export function previouslyGenerated(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((name) => name.endsWith(".ts"))
    .filter((name) => readFileSync(join(outDir, name), "utf8").startsWith(GENERATED_HEADER))
    .sort();
}
