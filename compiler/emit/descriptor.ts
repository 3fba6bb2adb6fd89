import type { IrEvent, IrMethod, IrService } from "../ir/types.js";
import { type ZodStyle, zodSlot, zodType } from "./type-text.js";

/** In a service file, named schemas are imported ready: referred to by name, not through z.lazy. */
const BY_NAME: ZodStyle = { lazyRefs: false };

/**
 * The service's descriptor constant: wire names, parameters with their
 * validators, results, domains and events, keyed by their names in code.
 * The runtime builds the client, handler registration and events from it.
 */
export function emitDescriptor(service: IrService, constName: string): string[] {
  return [
    `/** The ${service.name} service, described: the runtime builds its typed client, handlers and events from it. */`,
    `export const ${constName} = {`,
    `  name: ${JSON.stringify(service.name)},`,
    ...methodTable("methods", service.methods),
    ...methodTable("clientMethods", service.clientMethods),
    ...eventTable(service.events),
    "} satisfies ServiceDescriptor;",
  ];
}

function methodTable(key: string, methods: readonly IrMethod[]): string[] {
  if (methods.length === 0) return [`  ${key}: {},`];
  const out = [`  ${key}: {`];
  for (const m of methods) {
    const style: ZodStyle = { ...BY_NAME, indent: "        " };
    const params = m.params.map((p) => `[${JSON.stringify(p.name)}, ${zodSlot(p, style)}]`);
    const oneLine = `params: [${params.join(", ")}],`;
    out.push(`    ${m.localName}: {`, `      wire: ${JSON.stringify(m.name)},`);
    if (oneLine.length <= 90 && !oneLine.includes("\n")) out.push(`      ${oneLine}`);
    else out.push("      params: [", ...params.map((p) => `        ${p},`), "      ],");
    if (m.returns.kind !== "void") out.push(`      returns: ${zodType(m.returns, { ...BY_NAME, indent: "      " })},`);
    if (m.domain !== "default") out.push(`      domain: ${JSON.stringify(m.domain)},`);
    out.push("    },");
  }
  out.push("  },");
  return out;
}

function eventTable(events: readonly IrEvent[]): string[] {
  if (events.length === 0) return ["  events: {},"];
  const out = ["  events: {"];
  for (const e of events) {
    out.push(`    ${e.localName}: {`, `      wire: ${JSON.stringify(e.name)},`, `      payload: ${zodType(e.payload, { ...BY_NAME, indent: "      " })},`, "    },");
  }
  out.push("  },");
  return out;
}
