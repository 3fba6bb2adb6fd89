import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const RUNTIME = fileURLToPath(new URL("../../runtime/", import.meta.url));

/**
 * The runtime's layers, lowest first, as runtime/index.ts states them: a
 * module may import only from its own layer or a lower one, so no folder
 * imports in a circle and a reader can follow a message upwards.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "logger.ts", "rate-limited-logger.ts", "limits.ts", "validation.ts"],
  ["protocol/"],
  ["transport/"],
  ["heartbeat/"],
  ["peer/"],
  ["security/"],
  ["events/"],
  ["caller.ts", "endpoint.ts", "client.ts", "client-pool.ts", "server.ts", "service.ts", "index.ts"],
];

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((members) => members.some((m) => (m.endsWith("/") ? file.startsWith(m) : file === m)));
  if (layer === -1) throw new Error(`runtime/${file} is in no layer: add it to LAYERS here and to the list in runtime/index.ts`);
  return layer;
}

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "dist" || entry.name === "node_modules") return [];
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [relative(RUNTIME, path)] : [];
  });
}

/** Each relative import of a file, as a path under runtime/ (`.js` → `.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(RUNTIME, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(RUNTIME, resolve(RUNTIME, dirname(file), s)).replace(/\.js$/, ".ts"));
}

/** The imports of `file` that go up the layers. */
function violations(file: string, imports: readonly string[]): string[] {
  return imports
    .filter((target) => layerOf(target) > layerOf(file))
    .map((target) => `${file} (layer ${layerOf(file)}) imports ${target} (layer ${layerOf(target)})`);
}

describe("the runtime's layers", () => {
  const files = sources(RUNTIME);

  it("finds the runtime's modules", () => {
    expect(files).toContain("peer/rpc-peer.ts");
    expect(files.length).toBeGreaterThan(30);
  });

  it("has no import against the layer order", () => {
    expect(files.flatMap((file) => violations(file, importsOf(file)))).toEqual([]);
  });

  it("catches an import against the order", () => {
    // The loop there was: the transport took its mechanism types from security/.
    expect(violations("transport/router-socket.ts", ["security/plugin.ts", "errors.ts"])).toEqual([
      "transport/router-socket.ts (layer 2) imports security/plugin.ts (layer 5)",
    ]);
  });
});
