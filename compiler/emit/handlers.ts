import { paramName } from "../ir/names.js";
import type { IrMethod, IrParam } from "../ir/types.js";
import { appendedName } from "./client.js";
import { docLines, signatureLines } from "./docs.js";
import { tsType } from "./type-text.js";

/**
 * What one side implements: an interface with every method (so the compiler
 * catches a missing or mistyped one) and a function that registers an
 * implementation through the runtime, which validates arguments before a
 * handler runs. The server of a service and its clients (for the methods the
 * server calls) both get one.
 */
export function emitHandlers(
  interfaceName: string,
  interfaceDoc: string,
  registerName: string,
  endpointType: string,
  methods: readonly IrMethod[],
  table: string,
): string[] {
  const out = [...docLines({ doc: interfaceDoc }), `export interface ${interfaceName} {`];
  // What the validator hands over: a parameter left out is undefined, unless it has a default, which is filled in.
  const received = (p: IrParam) => `${tsType(p.type)}${p.optional && p.default === undefined ? " | undefined" : ""}`;
  for (const [i, m] of methods.entries()) {
    const params = [...m.params.map((p) => `${paramName(p.name)}: ${received(p)}`), `${appendedName(m, ["callContext", "context"])}: CallContext`];
    const returns = tsType(m.returns);
    if (i > 0) out.push("");
    out.push(...docLines(m, "  "), ...signatureLines(m.localName, params, `${returns} | Promise<${returns}>`));
  }
  const side = endpointType === "Server" ? "server" : "client";
  out.push(
    "}",
    "",
    `/** Registers \`handlers\` on ${side === "server" ? "a server" : "a client"}; arguments are validated before a handler runs. */`,
    `export function ${registerName}(${side}: ${endpointType}, handlers: ${interfaceName}): void {`,
    `  registerHandlers(${side}, ${table}, handlers);`,
    "}",
  );
  return out;
}
