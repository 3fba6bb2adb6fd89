import { paramName } from "../ir/names.js";
import type { IrMethod } from "../ir/types.js";
import { docLines, signatureLines } from "./docs.js";
import { tsType } from "./type-text.js";

/** The name of what generated code appends to a method's parameters: the first of `choices` no parameter takes. */
export function appendedName(method: IrMethod, choices: readonly string[]): string {
  const taken = new Set(method.params.map((p) => paramName(p.name)));
  return choices.find((c) => !taken.has(c)) ?? `${choices[0]}_${method.params.length}`;
}

/**
 * A typed stub: an interface with one method per remote method,
 * `(...params, callOptions?) => Promise<Return>`, and the class the runtime
 * builds for it from the descriptor (`new GreeterClient(client)`). The
 * client of a service and a server's handle on one of its clients are both
 * such stubs.
 */
export function emitStub(name: string, doc: string, methods: readonly IrMethod[], table: string): string[] {
  const out = [...docLines({ doc }), `export interface ${name} {`];
  for (const [i, m] of methods.entries()) {
    const options = appendedName(m, ["callOptions", "options"]);
    const params = m.params.map((p) => `${paramName(p.name)}${p.optional ? "?" : ""}: ${tsType(p.type)}`);
    if (i > 0) out.push("");
    out.push(...docLines(m, "  "), ...signatureLines(m.localName, [...params, `${options}?: CallOptions`], `Promise<${tsType(m.returns)}>`));
  }
  out.push("}", "", `/** Makes a {@link ${name}} over a caller: \`new ${name}(caller)\`. */`, `export const ${name} = stubClass<${name}>(${table});`);
  return out;
}
