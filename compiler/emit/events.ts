import type { IrEvent } from "../ir/types.js";
import { docLines } from "./docs.js";
import { tsType } from "./type-text.js";

/**
 * A service's events: two typed faces the runtime builds from the
 * descriptor, one for the server (each payload validated before it leaves)
 * and one for its clients (each validated on receipt: one that fails is
 * logged by the client, not handled).
 */
export function emitEvents(serviceName: string, typeName: string, lower: string, events: readonly IrEvent[], table: string): string[] {
  const out = [`/** What a ${serviceName} server publishes: each event to every subscribed client, or only to \`options.to\`. */`, `export interface ${typeName}Events {`];
  for (const [i, e] of events.entries()) {
    if (i > 0) out.push("");
    out.push(...docLines(e, "  "), `  readonly ${e.localName}: { publish(payload: ${tsType(e.payload)}, options?: PublishOptions): number };`);
  }
  out.push(
    "}",
    "",
    `/** The ${serviceName} server's events on \`server\`: \`publish\` validates a payload and tells how many it reached. */`,
    `export function ${lower}Events(server: Server): ${typeName}Events {`,
    `  return eventPublishers(server, ${table});`,
    "}",
    "",
    `/** The ${serviceName} server's events a client may subscribe to. */`,
    `export interface ${typeName}Subscriptions {`,
  );
  for (const [i, e] of events.entries()) {
    if (i > 0) out.push("");
    out.push(...docLines(e, "  "), `  readonly ${e.localName}: { subscribe(handler: (payload: ${tsType(e.payload)}) => unknown): () => void };`);
  }
  out.push(
    "}",
    "",
    `/** Subscriptions to the ${serviceName} server's events on \`client\`; \`subscribe\` returns what stops it. */`,
    `export function ${lower}Subscriptions(client: Client | ClientPool): ${typeName}Subscriptions {`,
    `  return eventSubscriptions(client, ${table});`,
    "}",
  );
  return out;
}
