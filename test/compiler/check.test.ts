import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { GENERATED_HEADER } from "../../compiler/emit/header.js";
import { REPO, runCli, tempProject } from "./temp-project.js";

const SCHEMA = `import { z } from "zod";
import { method, service } from "pseud-gen/schema";

export const Item = z.object({ id: z.number().int(), name: z.string() });
export const shop = service("shop", {
  methods: {
    "item.get": method({ params: { id: z.number().int() }, returns: Item }),
  },
});
`;

describe("pseud check", () => {
  let root: string;
  beforeEach(async () => {
    root = tempProject({ "schemas/shop.ts": SCHEMA });
    const gen = await runCli(root, ["gen"]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toBe("wrote generated/shop.ts\nwrote generated/types.ts\n");
  });

  it("passes when generated code matches its schemas, and gen then changes nothing", async () => {
    expect(await runCli(root, ["check"])).toMatchObject({ code: 0, stdout: "pseud check: 2 generated files up to date\n" });
    expect((await runCli(root, ["gen"])).stdout).toBe("unchanged generated/shop.ts\nunchanged generated/types.ts\n");
  });

  it("catches an edited generated file, and writes nothing", async () => {
    const path = join(root, "generated/shop.ts");
    writeFileSync(path, readFileSync(path, "utf8").replace("item.get", "item.got"));
    const before = statSync(path).mtimeMs;
    const { code, stderr } = await runCli(root, ["check"]);
    expect(code).toBe(1);
    expect(stderr).toContain("drifted generated/shop.ts: differs from what pseud gen would write");
    expect(stderr).toContain("pseud check: 1 file out of date; run pseud gen");
    expect(statSync(path).mtimeMs).toBe(before);
    expect(readFileSync(path, "utf8")).toContain("item.got");
  });

  it("catches a missing generated file", async () => {
    rmSync(join(root, "generated/types.ts"));
    const { code, stderr } = await runCli(root, ["check"]);
    expect(code).toBe(1);
    expect(stderr).toContain("missing generated/types.ts: pseud gen would write it");
  });

  it("catches an extra generated file, which gen then removes", async () => {
    writeFileSync(join(root, "generated/old.ts"), `${GENERATED_HEADER}\n// source: schemas/old.ts\n`);
    writeFileSync(join(root, "generated/handwritten.ts"), "export const mine = 1;\n"); // not ours: left alone
    const { code, stderr } = await runCli(root, ["check"]);
    expect(code).toBe(1);
    expect(stderr).toContain("extra generated/old.ts: generated, but no schema produces it now");
    expect(stderr).not.toContain("handwritten");
    expect((await runCli(root, ["gen"])).stdout).toContain("removed generated/old.ts\n");
    expect((await runCli(root, ["check"])).code).toBe(0);
  });

  it("catches an edited schema", async () => {
    writeFileSync(join(root, "schemas/shop.ts"), SCHEMA.replace(`"item.get"`, `"item.list": method({ params: {}, returns: z.array(Item) }),\n    "item.get"`));
    const { code, stderr } = await runCli(root, ["check"]);
    expect(code).toBe(1);
    expect(stderr).toContain("drifted generated/shop.ts");
  });
});

describe("the pseud command", () => {
  it("has --help on every verb, and exit code 2 for usage errors", async () => {
    const root = tempProject({});
    for (const args of [["--help"], ["gen", "--help"], ["check", "--help"], ["help", "gen"]]) {
      const { code, stdout } = await runCli(root, args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^pseud/);
      expect(stdout).toContain("Exit codes");
    }
    expect((await runCli(root, ["frobnicate"])).code).toBe(2);
    expect(await runCli(root, ["gen", "--no-such-flag"])).toMatchObject({ code: 2 });
    expect(await runCli(root, ["gen", "--import-extension", ".mjs"])).toMatchObject({ code: 2 });
    expect(await runCli(root, ["gen", "--config", "nope.json"])).toMatchObject({ code: 2 });
    expect(await runCli(root, ["help", "nope"])).toMatchObject({ code: 2, stderr: expect.stringContaining('no help for "nope"') });
    const keys = await runCli(root, ["keys", "nodir/x"]);
    expect(keys).toMatchObject({ code: 2, stderr: expect.stringMatching(/^pseud keys: cannot write nodir\/x\.key: .*nodir is not a folder\n$/) });
  });

  it("prints the version of the pseud-gen package", async () => {
    const { code, stdout } = await runCli(tempProject({}), ["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.parse(readFileSync(join(REPO, "compiler/package.json"), "utf8")).version}\n`);
  });

  it("reads pseud.config.json", async () => {
    const root = tempProject({
      "pseud.config.json": JSON.stringify({ schemas: ["api/*.ts"], out: "src/gen", importExtension: "none" }),
      "api/shop.ts": SCHEMA,
    });
    const { code, stdout } = await runCli(root, ["gen"]);
    expect(code).toBe(0);
    expect(stdout).toContain("wrote src/gen/shop.ts");
    expect(readFileSync(join(root, "src/gen/shop.ts"), "utf8")).toContain(`from "./types";`);
  });

  it("refuses a config with an unknown key", async () => {
    const root = tempProject({ "pseud.config.json": JSON.stringify({ schema: ["x"] }) });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(2);
    expect(stderr).toContain(`unknown key "schema"`);
  });
});
