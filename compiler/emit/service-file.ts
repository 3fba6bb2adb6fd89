import type { IrMethod, IrService } from "../ir/types.js";
import { emitStubClass, mayLeaveGaps } from "./client.js";
import { emitEvents } from "./events.js";
import { emitHandlers } from "./handlers.js";
import { header } from "./header.js";
import { refsOf, schemaName, zodSlot, zodType } from "./type-text.js";

/** How generated files import each other: `.js` for NodeNext projects, `.ts`, or none. */
export type ImportExtension = ".js" | ".ts" | "";

/**
 * One service's generated file: validators, the server's handler interface
 * and registration, the typed client; and when clients offer methods back,
 * their handler interface and registration and the server's typed stub for
 * one client; when its server publishes events, their typed faces.
 */
export function emitServiceFile(service: IrService, importExtension: ImportExtension): string {
  const lower = service.typeName.charAt(0).toLowerCase() + service.typeName.slice(1);
  const serverValidators = `${lower}Methods`;
  const clientValidators = `${lower}ClientMethods`;
  const hasClientMethods = service.clientMethods.length > 0;
  const all = [...service.methods, ...service.clientMethods];

  const runtime = new Set(["type CallContext", "type CallOptions", "type Caller", "type Server", "validateArguments"]);
  const hasEvents = service.events.length > 0;
  if (hasClientMethods || hasEvents) runtime.add("type Client");
  if (hasEvents) for (const name of ["type ClientPool", "type PublishOptions", "validatePayload"]) runtime.add(name);
  if (all.some((m) => m.returns.kind !== "void")) runtime.add("validateResult");
  if (all.some(mayLeaveGaps)) runtime.add("callArguments");
  const refs = new Set<string>();
  for (const m of all) {
    refsOf(m.returns, refs);
    for (const p of m.params) refsOf(p.type, refs);
  }
  for (const e of service.events) refsOf(e.payload, refs);

  const out = [...header([service.loc.file]), `import { z } from "zod";`, `import { ${sortImports([...runtime]).join(", ")} } from "pseud";`];
  if (refs.size > 0) {
    const names = [...refs].flatMap((name) => [`type ${name}`, schemaName(name)]);
    out.push(`import { ${sortImports(names).join(", ")} } from "./types${importExtension}";`);
  }
  out.push(
    "",
    `/** The wire name of the ${service.name} service: its server's routing id. */`,
    `export const ${lower}ServiceName = ${JSON.stringify(service.name)};`,
    "",
    ...validatorTable(serverValidators, `the ${service.name} server's methods`, service.methods),
  );
  if (hasClientMethods) out.push("", ...validatorTable(clientValidators, `the methods ${service.name} clients offer`, service.clientMethods));

  const serviceDoc = service.doc ?? `The ${service.name} service.`;
  out.push(
    "",
    ...emitHandlers(`${service.typeName}Handlers`, `What a ${service.name} server implements. ${serviceDoc}`, `register${service.typeName}Server`, "Server", service.methods, serverValidators),
    "",
    ...emitStubClass(`${service.typeName}Client`, `Calls a ${service.name} server. ${serviceDoc}`, service.methods, serverValidators),
  );
  if (hasClientMethods) {
    out.push(
      "",
      ...emitHandlers(
        `${service.typeName}ClientHandlers`,
        `What a ${service.name} client implements: the methods its server may call.`,
        `register${service.typeName}Client`,
        "Client",
        service.clientMethods,
        clientValidators,
      ),
      "",
      ...emitStubClass(`${service.typeName}Peer`, `Calls the methods one connected ${service.name} client offers; see ${lower}Peer().`, service.clientMethods, clientValidators),
      "",
      `/** A typed handle on one connected client of \`server\`, by its routing id or identity. */`,
      `export function ${lower}Peer(server: Server, peer: Uint8Array | string): ${service.typeName}Peer {`,
      `  return new ${service.typeName}Peer(server.sendTo(peer));`,
      "}",
    );
  }
  if (hasEvents) out.push("", ...emitEvents(service.name, service.typeName, lower, service.events));
  return `${out.join("\n")}\n`;
}

function validatorTable(name: string, what: string, methods: readonly IrMethod[]): string[] {
  const out = [`/** Validators of ${what}, by wire name. */`, `const ${name} = {`];
  for (const m of methods) {
    const params = m.params.map((p) => `[${JSON.stringify(p.name)}, ${zodSlot(p)}]`);
    out.push(`  ${JSON.stringify(m.name)}: {`, `    params: [${params.join(", ")}],`, `    returns: ${zodType(m.returns)},`, "  },");
  }
  out.push("} as const;");
  return out;
}

/** Import names in code-unit order of the name itself, `type` markers aside. */
function sortImports(names: readonly string[]): string[] {
  const bare = (n: string) => n.replace(/^type /, "");
  return [...names].sort((a, b) => (bare(a) < bare(b) ? -1 : bare(a) > bare(b) ? 1 : 0));
}
