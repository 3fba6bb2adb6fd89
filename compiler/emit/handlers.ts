import { paramName } from "../ir/names.js";
import type { IrMethod, IrParam } from "../ir/types.js";
import { appendedName } from "./client.js";
import { docLines } from "./docs.js";
import { tsType } from "./type-text.js";

/**
 * What one side implements: an interface with every method (so the compiler
 * catches a missing or mistyped one) and a function that registers an
 * implementation, validating arguments before a handler runs. The server of
 * a service and its clients (for the methods the server calls) both get one.
 */
export function emitHandlers(
  interfaceName: string,
  interfaceDoc: string,
  registerName: string,
  endpointType: "Server" | "Client",
  methods: readonly IrMethod[],
  validators: string,
): string[] {
  const out = [...docLines({ doc: interfaceDoc }), `export interface ${interfaceName} {`];
  // What the validator hands over: a parameter left out is undefined, unless it has a default, which is filled in.
  const received = (p: IrParam) => `${tsType(p.type)}${p.optional && p.default === undefined ? " | undefined" : ""}`;
  for (const [i, m] of methods.entries()) {
    const params = [...m.params.map((p) => `${paramName(p.name)}: ${received(p)}`), `${appendedName(m, ["callContext", "context"])}: CallContext`];
    const returns = tsType(m.returns);
    if (i > 0) out.push("");
    out.push(...docLines(m, "  "), `  ${m.localName}(${params.join(", ")}): ${returns} | Promise<${returns}>;`);
  }
  out.push("}", "");
  const side = endpointType.toLowerCase();
  out.push(
    `/** Registers \`handlers\` on ${endpointType === "Server" ? "a server" : "a client"}; arguments are validated before a handler runs. */`,
    `export function ${registerName}(${side}: ${endpointType}, handlers: ${interfaceName}): void {`,
  );
  // The validated arguments are spread into the handler, never bound to names: no parameter name can clash with the code around it.
  for (const m of methods) {
    const names = m.params.map((p) => p.name);
    const tuple = `[${m.params.map(received).join(", ")}]`;
    const options = [
      "withContext: true",
      `params: [${names.map((n) => JSON.stringify(n)).join(", ")}]`,
      ...(m.domain === "default" ? [] : [`domain: ${JSON.stringify(m.domain)}`]),
    ];
    const validated = `validateArguments(${JSON.stringify(m.name)}, ${validators}[${JSON.stringify(m.name)}].params, args)`;
    out.push(`  ${side}.register(`, `    ${JSON.stringify(m.name)},`);
    if (names.length > 0) {
      out.push(`    (callContext: CallContext, ...args: unknown[]) =>`, `      handlers.${m.localName}(...(${validated} as ${tuple}), callContext),`);
    } else {
      out.push(`    (callContext: CallContext, ...args: unknown[]) => {`, `      ${validated};`, `      return handlers.${m.localName}(callContext);`, "    },");
    }
    out.push(`    { ${options.join(", ")} },`, "  );");
  }
  out.push("}");
  return out;
}
