import type { IrMethod } from "../ir/types.js";
import { docLines } from "./docs.js";
import { tsType } from "./type-text.js";

/** The names generated code gives to what it appends to a method's parameters. */
export const CALL_OPTIONS = "callOptions";
export const CALL_CONTEXT = "callContext";

/**
 * A typed stub class over a `Caller`: one method per remote method,
 * `(...params, callOptions?) => Promise<Return>`, the reply validated against
 * the return type. The client of a service and a server's handle on one of
 * its clients are both such stubs.
 */
export function emitStubClass(className: string, doc: string, methods: readonly IrMethod[], validators: string): string[] {
  const out = [...docLines({ doc }), `export class ${className} {`, "  constructor(private readonly caller: Caller) {}"];
  for (const m of methods) {
    const params = m.params.map((p) => `${p.name}${p.optional ? "?" : ""}: ${tsType(p.type)}`);
    const call = `this.caller.call(${JSON.stringify(m.name)}, [${m.params.map((p) => p.name).join(", ")}], {}, ${CALL_OPTIONS})`;
    out.push("", ...docLines(m, "  "), `  async ${m.localName}(${[...params, `${CALL_OPTIONS}?: CallOptions`].join(", ")}): Promise<${tsType(m.returns)}> {`);
    if (m.returns.kind === "void") out.push(`    await ${call};`);
    else out.push(`    return validateResult(${JSON.stringify(m.name)}, ${validators}[${JSON.stringify(m.name)}].returns, await ${call});`);
    out.push("  }");
  }
  out.push("}");
  return out;
}
