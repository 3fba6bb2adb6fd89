import type { IrService } from "../ir/types.js";
import { emitStub } from "./client.js";
import { emitDescriptor } from "./descriptor.js";
import { emitEvents } from "./events.js";
import { emitHandlers } from "./handlers.js";
import { header } from "./header.js";
import { refsOf, schemaName } from "./type-text.js";

/** How generated files import each other: `.js` for NodeNext projects, `.ts`, or none. */
export type ImportExtension = ".js" | ".ts" | "";

/**
 * One service's generated file: its descriptor (the data: wire names,
 * parameters, validators), and the typed faces the runtime builds from it:
 * the server's handler interface and registration, the typed client; when
 * clients offer methods back, their handler interface and registration and
 * the server's typed stub for one client; when the server publishes events,
 * their publishers and subscriptions. Imports are what the file uses.
 */
export function emitServiceFile(service: IrService, importExtension: ImportExtension): string {
  const lower = service.typeName.charAt(0).toLowerCase() + service.typeName.slice(1);
  const descriptor = `${lower}Service`;
  const hasClientMethods = service.clientMethods.length > 0;
  const hasEvents = service.events.length > 0;
  const serviceDoc = service.doc ?? `The ${service.name} service.`;

  const body: string[] = [
    "",
    `/** The wire name of the ${service.name} service: its server's routing id. */`,
    `export const ${lower}ServiceName = ${JSON.stringify(service.name)};`,
    "",
    ...emitDescriptor(service, descriptor),
    "",
    ...emitHandlers(`${service.typeName}Handlers`, `What a ${service.name} server implements. ${serviceDoc}`, `register${service.typeName}Server`, "Server", service.methods, `${descriptor}.methods`),
    "",
    ...emitStub(`${service.typeName}Client`, `Calls a ${service.name} server. ${serviceDoc}`, service.methods, `${descriptor}.methods`),
  ];
  if (hasClientMethods) {
    body.push(
      "",
      ...emitHandlers(
        `${service.typeName}ClientHandlers`,
        `What a ${service.name} client implements: the methods its server may call.`,
        `register${service.typeName}Client`,
        "Client | ClientPool",
        service.clientMethods,
        `${descriptor}.clientMethods`,
      ),
      "",
      ...emitStub(`${service.typeName}Peer`, `Calls the methods one connected ${service.name} client offers; see ${lower}Peer().`, service.clientMethods, `${descriptor}.clientMethods`),
      "",
      `/** A typed handle on one connected client of \`server\`, by its routing id or identity. */`,
      `export function ${lower}Peer(server: Server, peer: Uint8Array | string): ${service.typeName}Peer {`,
      `  return new ${service.typeName}Peer(server.sendTo(peer));`,
      "}",
    );
  }
  if (hasEvents) body.push("", ...emitEvents(service.name, service.typeName, lower, service.events, `${descriptor}.events`));

  // Imports registered as used: a name is imported when the body says it.
  const text = body.join("\n");
  const uses = (name: string) => new RegExp(`(?<![\\w$.])${name.replace("$", "\\$")}(?![\\w$])`).test(text);
  const runtime = ["CallContext", "CallOptions", "Client", "ClientPool", "PublishOptions", "Server", "ServiceDescriptor"]
    .filter(uses)
    .map((name) => `type ${name}`)
    .concat(["eventPublishers", "eventSubscriptions", "registerHandlers", "stubClass"].filter(uses));
  const refs = new Set<string>();
  for (const m of [...service.methods, ...service.clientMethods]) {
    refsOf(m.returns, refs);
    for (const p of m.params) refsOf(p.type, refs);
  }
  for (const e of service.events) refsOf(e.payload, refs);
  const types = [...refs].flatMap((name) => [`type ${name}`, schemaName(name)]).filter((name) => uses(name.replace(/^type /, "")));
  const out = [...header([service.loc.file])];
  if (uses("z")) out.push(`import { z } from "zod";`);
  out.push(importLine(runtime, "pseud"));
  if (types.length > 0) out.push(importLine(types, `./types${importExtension}`));
  return `${out.join("\n")}\n${text}\n`;
}

/** An import, its names on lines of their own when they do not fit on one. */
function importLine(names: readonly string[], from: string): string {
  const sorted = sortImports(names);
  const oneLine = `import { ${sorted.join(", ")} } from ${JSON.stringify(from)};`;
  return oneLine.length <= 100 ? oneLine : `import {\n${sorted.map((n) => `  ${n},`).join("\n")}\n} from ${JSON.stringify(from)};`;
}

/** Import names in code-unit order of the name itself, `type` markers aside. */
function sortImports(names: readonly string[]): string[] {
  const bare = (n: string) => n.replace(/^type /, "");
  return [...names].sort((a, b) => (bare(a) < bare(b) ? -1 : bare(a) > bare(b) ? 1 : 0));
}
