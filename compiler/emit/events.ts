import type { IrEvent } from "../ir/types.js";
import { docLines } from "./docs.js";
import { tsType, zodType } from "./type-text.js";

/**
 * A service's events: their payload validators, and two typed faces on the
 * runtime's `publish` and `subscribe`: one for the server (each payload
 * validated before it leaves) and one for its clients (each validated on
 * receipt: one that fails is logged by the client, not handled).
 */
export function emitEvents(serviceName: string, typeName: string, lower: string, events: readonly IrEvent[]): string[] {
  const validators = `${lower}EventPayloads`;
  const out = [`/** Validators of the ${serviceName} server's event payloads, by wire name. */`, `const ${validators} = {`];
  for (const e of events) out.push(`  ${JSON.stringify(e.name)}: ${zodType(e.payload)},`);
  out.push("} as const;", "");

  out.push(`/** What a ${serviceName} server publishes: each event to every subscribed client, or only to \`options.to\`. */`, `export interface ${typeName}Events {`);
  for (const [i, e] of events.entries()) {
    if (i > 0) out.push("");
    out.push(...docLines(e, "  "), `  readonly ${e.localName}: { publish(payload: ${tsType(e.payload)}, options?: PublishOptions): number };`);
  }
  out.push("}", "");
  out.push(
    `/** The ${serviceName} server's events on \`server\`; \`publish\` validates the payload and returns how many subscribers it went to. */`,
    `export function ${lower}Events(server: Server): ${typeName}Events {`,
    "  return {",
  );
  for (const e of events) {
    const name = JSON.stringify(e.name);
    out.push(
      `    ${e.localName}: {`,
      `      publish: (payload, options) =>`,
      `        server.publish(${name}, validatePayload(${name}, ${validators}[${name}], payload), options),`,
      "    },",
    );
  }
  out.push("  };", "}", "");

  out.push(`/** The ${serviceName} server's events a client may subscribe to. */`, `export interface ${typeName}Subscriptions {`);
  for (const [i, e] of events.entries()) {
    if (i > 0) out.push("");
    out.push(...docLines(e, "  "), `  readonly ${e.localName}: { subscribe(handler: (payload: ${tsType(e.payload)}) => unknown): () => void };`);
  }
  out.push("}", "");
  out.push(
    `/** Subscriptions to the ${serviceName} server's events on \`client\`; \`subscribe\` returns what stops it. */`,
    `export function ${lower}Subscriptions(client: Client | ClientPool): ${typeName}Subscriptions {`,
    "  return {",
  );
  for (const e of events) {
    const name = JSON.stringify(e.name);
    out.push(
      `    ${e.localName}: {`,
      `      subscribe: (handler) =>`,
      `        client.subscribe(${name}, (payload) => handler(validatePayload(${name}, ${validators}[${name}], payload))),`,
      "    },",
    );
  }
  out.push("  };", "}");
  return out;
}
