import type { IrNamedType } from "../ir/types.js";
import { docLines } from "./docs.js";
import { header } from "./header.js";
import { fieldSignature, schemaName, tsType, zodType } from "./type-text.js";

/** The named types shared by every service: a TypeScript type and a Zod schema each. */
export function emitTypesFile(types: readonly IrNamedType[]): string {
  const out = [...header(types.map((t) => t.loc.file)), `import { z } from "zod";`];
  for (const named of types) {
    out.push("", ...docLines(named));
    if (named.type.kind === "object") {
      out.push(`export interface ${named.name} {`);
      for (const field of named.type.fields) {
        out.push(...docLines(field, "  "), `  ${fieldSignature(field)};`);
      }
      out.push("}");
    } else {
      out.push(`export type ${named.name} = ${tsType(named.type)};`);
    }
    out.push("", `/** Validates {@link ${named.name}} values. */`, `export const ${schemaName(named.name)}: z.ZodType<${named.name}> = ${zodType(named.type, { lazyRefs: true, indent: "" })};`);
  }
  return `${out.join("\n")}\n`;
}
