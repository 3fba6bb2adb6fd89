import { paramName } from "../ir/names.js";
import type { IrMethod } from "../ir/types.js";
import { docLines } from "./docs.js";
import { tsType } from "./type-text.js";

/** The name of what generated code appends to a method's parameters: the first of `choices` no parameter takes. */
export function appendedName(method: IrMethod, choices: readonly string[]): string {
  const taken = new Set(method.params.map((p) => paramName(p.name)));
  return choices.find((c) => !taken.has(c)) ?? `${choices[0]}_${method.params.length}`;
}

/** Whether a call may leave out a parameter that another one follows: then later ones go by keyword (see `callArguments`). */
export function mayLeaveGaps(method: IrMethod): boolean {
  return method.params.some((p, i) => p.optional && i < method.params.length - 1);
}

/**
 * A typed stub class over a `Caller`: one method per remote method,
 * `(...params, callOptions?) => Promise<Return>`, the reply validated against
 * the return type. The client of a service and a server's handle on one of
 * its clients are both such stubs.
 */
export function emitStubClass(className: string, doc: string, methods: readonly IrMethod[], validators: string): string[] {
  // A private name (#caller) cannot clash with a method's name.
  const out = [...docLines({ doc }), `export class ${className} {`, "  readonly #caller: Caller;", "", "  constructor(caller: Caller) {", "    this.#caller = caller;", "  }"];
  for (const m of methods) {
    const options = appendedName(m, ["callOptions", "options"]);
    const params = m.params.map((p) => `${paramName(p.name)}${p.optional ? "?" : ""}: ${tsType(p.type)}`);
    const values = m.params.map((p) => paramName(p.name)).join(", ");
    const args = mayLeaveGaps(m) ? `...callArguments([${m.params.map((p) => JSON.stringify(p.name)).join(", ")}], [${values}])` : `[${values}], {}`;
    const call = `this.#caller.call(${JSON.stringify(m.name)}, ${args}, ${options})`;
    out.push("", ...docLines(m, "  "), `  async ${m.localName}(${[...params, `${options}?: CallOptions`].join(", ")}): Promise<${tsType(m.returns)}> {`);
    if (m.returns.kind === "void") out.push(`    await ${call};`);
    else out.push(`    return validateResult(${JSON.stringify(m.name)}, ${validators}[${JSON.stringify(m.name)}].returns, await ${call});`);
    out.push("  }");
  }
  out.push("}");
  return out;
}
