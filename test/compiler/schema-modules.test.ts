import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Loaded, moduleLoader } from "../../compiler/readers/schema-modules.js";
import { tempProject } from "./temp-project.js";

const types = (fields: string) => `import { z } from "zod";\nexport const Point = z.object({ ${fields} });\n`;
const SCHEMA = `export { Point } from "./types.js";\n`;

/**
 * One read: a loader for the project, the schema and then the module it
 * imports loaded, the loader closed. Within a read a module is one instance,
 * whether a schema imports it or the read loads it: the schema's exports.
 */
async function read(root: string): Promise<Record<string, unknown>> {
  const loader = moduleLoader(join(root, "tsconfig.json"));
  const load = async (file: string) => {
    const loaded: Loaded = await loader.load(join(root, file));
    if (!loaded.ok) throw loaded.error;
    return loaded.exports;
  };
  try {
    const schema = await load("schemas/geo.ts");
    expect((await load("schemas/types.ts")).Point).toBe(schema.Point);
    return schema;
  } finally {
    await loader.close();
  }
}

/** The keys of an exported `z.object`'s shape. */
const shapeOf = (exports: Record<string, unknown>) => Object.keys((exports.Point as { shape: object }).shape);

describe("schema modules, read again in one process (gen --watch)", () => {
  it.each([
    ["an ES module package", { "package.json": JSON.stringify({ type: "module" }) }],
    ["a CommonJS package", {}],
  ])("are the project's files as they are now, with the packages they import loaded once (%s)", async (_kind, manifest) => {
    const root = tempProject({ ...manifest, "schemas/geo.ts": SCHEMA, "schemas/types.ts": types("x: z.number()") });
    const first = await read(root);
    expect(shapeOf(first)).toEqual(["x"]);

    // An edit to a module the schema imports, not to the schema: the next read sees it.
    writeFileSync(join(root, "schemas/types.ts"), types("x: z.number(), y: z.number()"));
    const second = await read(root);
    expect(shapeOf(second)).toEqual(["x", "y"]);
    expect(second.Point).not.toBe(first.Point);
    // zod itself is the same module in both reads: one class for both objects.
    expect(Object.getPrototypeOf(second.Point)).toBe(Object.getPrototypeOf(first.Point));
  });
});
