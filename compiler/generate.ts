import type { IrSchema } from "./ir/types.js";
import { emitServiceFile, type ImportExtension } from "./emit/service-file.js";
import { emitTypesFile } from "./emit/types-file.js";

/** What generation produces: file path (relative to the output directory, `/`-separated) → content. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** IR → every generated file: one per service, and `types.ts` for the named types. Pure and deterministic. */
export function generate(schema: IrSchema, importExtension: ImportExtension): GeneratedFiles {
  const files = new Map<string, string>();
  if (schema.types.length > 0) files.set("types.ts", emitTypesFile(schema.types));
  for (const service of schema.services) files.set(`${service.name}.ts`, emitServiceFile(service, importExtension));
  return files;
}
