import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "./temp-project.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("schema mistakes", () => {
  it("are all reported as file:line:col: message, in both formats, and nothing is written", async () => {
    const root = tempProject({
      "schemas/broken.zod.ts": fixture("broken.zod.ts.txt"),
      "schemas/broken.interface.ts": fixture("broken.interface.ts.txt"),
    });
    const { code, stderr, stdout } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toEqual([
      `schemas/broken.interface.ts:4:3: duplicate method "twice" (first declared at schemas/broken.interface.ts:3:3)`,
      "schemas/broken.interface.ts:5:3: method noReturn has no return type (write void for none)",
      "schemas/broken.interface.ts:6:9: parameter a of loose: unknown is not supported: say what the value is",
      `schemas/broken.interface.ts:7:3: required parameter "b" of order follows optional parameter "a"`,
      `schemas/broken.interface.ts:8:3: method name "bad name" is not an identifier or dotted name (letters, digits, _ and -)`,
      `schemas/broken.zod.ts:4:23: service "broken" is already declared at schemas/broken.interface.ts:2:1`,
      `schemas/broken.zod.ts:6:5: method name "bad name!" is not an identifier or dotted name (letters, digits, _ and -)`,
      `schemas/broken.zod.ts:7:39: parameter f of callback: Zod type "function" is not supported`,
      `schemas/broken.zod.ts:8:5: required parameter "b" of order follows optional parameter "a"`,
      "schemas/broken.zod.ts:9:5: method silent has no return type (use z.void() for none)",
      `schemas/broken.zod.ts:11:5: methods "string.lower" and "stringLower" both generate stringLower()`,
      "pseud gen: 11 schema mistakes; nothing written",
      "",
    ]);
    expect(existsSync(join(root, "generated"))).toBe(false);
  });

  it("can be printed as JSON and as GitHub annotations", async () => {
    const root = tempProject({ "schemas/broken.interface.ts": fixture("broken.interface.ts.txt") });
    const json = await runCli(root, ["gen", "--format", "json"]);
    const parsed = JSON.parse(json.stderr.slice(0, json.stderr.lastIndexOf("]") + 1)) as { file: string; line: number; message: string }[];
    expect(parsed[0]).toMatchObject({ file: "schemas/broken.interface.ts", line: 4, column: 3 });
    const github = await runCli(root, ["gen", "--format", "github"]);
    expect(github.stderr).toContain("::error file=schemas/broken.interface.ts,line=5,col=3::method noReturn has no return type");
  });

  it("name a schema module that does not load", async () => {
    const root = tempProject({ "schemas/bad.zod.ts": `import { nothing } from "./missing.js";\nexport const x = nothing;\n` });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^schemas\/bad\.zod\.ts:1:1: cannot load schema module: /);
  });

  it("report a syntax error in a Zod schema at its place, with esbuild's message", async () => {
    const root = tempProject({
      "schemas/typo.zod.ts": `import { z } from "zod";\nimport { Shared } from "./shared.js";\nexport const T = z.object({\n  a: z.string(,\n});\n`,
      "schemas/shared.ts": `export const Shared = {;\n`,
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr.split("\n")).toEqual([
      `schemas/shared.ts:1:24: cannot load schema module: Expected identifier but found ";"`,
      `schemas/typo.zod.ts:4:15: cannot load schema module: Unexpected ","`,
      "pseud gen: 2 schema mistakes; nothing written",
      "",
    ]);
  });

  it("include types a reader cannot map, with the type named", async () => {
    const root = tempProject({
      "schemas/types.interface.ts": [
        "/** @service types */",
        "export interface Types {",
        "  fn(cb: () => void): string;",
        "  map(m: Map<string, number>): string;",
        "  undef(u: undefined): string;",
        "  ok(): Promise<string>;",
        "}",
        "",
      ].join("\n"),
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr).toContain("schemas/types.interface.ts:3:6: parameter cb of fn: functions cannot cross the wire");
    expect(stderr).toContain("schemas/types.interface.ts:4:7: parameter m of map: type Map<string, number> is not supported");
    expect(stderr).toContain("schemas/types.interface.ts:5:9: parameter u of undef: undefined is not a wire type");
    expect(stderr).not.toContain("ok");
  });
});
