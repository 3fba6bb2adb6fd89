import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "./temp-project.js";

const ZOD_TYPES = `import { z } from "zod";
export const Point = z.object({ x: z.number(), y: z.number() });
export type Point = z.infer<typeof Point>;
export const Unit = z.enum(["m", "km"]);
`;

/** A barrel that only re-exports: of Zod schemas (each with its inferred type beside it), so a Zod module too. */
const BARREL = 'export { Point, Unit } from "./types.js";\n';

const zodService = (reexport: boolean) => `import { z } from "zod";
import { method, service } from "pseud-gen/schema";
import { Point, Unit } from "./types.js";
${reexport ? 'export { Point, Unit } from "./types.js";\n' : ""}
export const geo = service("geo", {
  methods: { distance: method({ params: { a: Point, b: Point, unit: Unit }, returns: z.number() }) },
});
`;

describe("a module of shared types", () => {
  it.each([
    ["imported", false, false],
    ["imported and re-exported", true, false],
    ["imported, in an ES module package", false, true],
    ["imported and re-exported, in an ES module package", true, true],
  ])("gives named types to Zod services that use it (%s)", async (_how, reexport, esm) => {
    const root = tempProject({
      "schemas/types.ts": ZOD_TYPES,
      "schemas/geo.ts": zodService(reexport),
      ...(reexport ? { "schemas/index.ts": BARREL } : {}),
      ...(esm ? { "package.json": JSON.stringify({ type: "module" }) } : {}),
    });
    const { code, stdout, stderr } = await runCli(root, ["gen"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe("wrote generated/geo.ts\nwrote generated/types.ts\n");
    const types = readFileSync(join(root, "generated/types.ts"), "utf8");
    expect(types).toContain("// source: schemas/types.ts\n\n"); // declared there, not where it is re-exported
    expect(types).toContain("export interface Point {");
    expect(readFileSync(join(root, "generated/geo.ts"), "utf8")).toContain(`params: [["a", PointSchema], ["b", PointSchema], ["unit", UnitSchema]]`);
  });

  it("gives named types to interface services that use it", async () => {
    const root = tempProject({
      "schemas/types.ts": "export interface Point { x: number; y: number }\nexport type Unit = \"m\" | \"km\";\n",
      "schemas/geo.ts": 'import type { Point, Unit } from "./types.js";\n/** @service geo */\nexport interface Geo { distance(a: Point, b: Point, unit: Unit): number }\n',
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(readFileSync(join(root, "generated/types.ts"), "utf8")).toContain("export interface Point {");
  });

  it("may sit beside modules with nothing to generate, but a service must be exported", async () => {
    const root = tempProject({
      "schemas/types.ts": ZOD_TYPES,
      "schemas/helpers.ts": "export const twice = (n: number): number => 2 * n;\n",
      "schemas/hidden.ts": 'import { z } from "zod";\nimport { method, service } from "pseud-gen/schema";\n\nconst hidden = service("hidden", { methods: { f: method({ params: {}, returns: z.string() }) } });\nvoid hidden;\n',
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr.split("\n")).toEqual([
      `schemas/hidden.ts:4:16: service "hidden" is declared but not exported: pseud reads a module's exports`,
      "pseud gen: 1 schema mistake; nothing written",
      "",
    ]);
  });

  it("a project where nothing exports a service or a type is a mistake, not an empty output", async () => {
    const root = tempProject({ "schemas/helpers.ts": "export const twice = (n: number): number => 2 * n;\n" });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr).toContain("schemas/helpers.ts:1:1: nothing to generate: no schema file exports a service or a named type\n");
  });
});
