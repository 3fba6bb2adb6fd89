import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../compiler/generate.js";
import { readSchemas } from "../../compiler/readers/read-schemas.js";
import { REPO, runCli } from "./temp-project.js";

/** Set UPDATE_GOLDEN=1 to rewrite the expected files after an intended change; then review the diff. */
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const GOLDEN = join(REPO, "test/compiler/golden/out");

describe("generated code", () => {
  it("matches the golden files byte for byte", async () => {
    const { schema, diagnostics } = await readSchemas([join(REPO, "test/compiler/golden/kitchen-sink.schema.ts")], { root: REPO });
    expect(diagnostics).toEqual([]);
    const files = generate(schema, ".js");
    if (UPDATE) {
      mkdirSync(GOLDEN, { recursive: true });
      for (const [name, text] of files) writeFileSync(join(GOLDEN, name), text);
    }
    expect(readdirSync(GOLDEN).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(text, name).toBe(readFileSync(join(GOLDEN, name), "utf8"));
  });

  it("is the same bytes on every run: sorted, no dates, no absolute paths, \\n line ends", async () => {
    const first = generate((await readSchemas([join(REPO, "schemas/greeter.zod.ts")], { root: REPO })).schema, ".js");
    const second = generate((await readSchemas([join(REPO, "schemas/greeter.zod.ts")], { root: REPO })).schema, ".js");
    expect([...second]).toEqual([...first]);
    for (const text of first.values()) {
      expect(text).not.toContain(REPO);
      expect(text).not.toContain("\r");
      expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d/);
      expect(text).not.toMatch(/\bany\b/); // no `any` in generated code, public signatures included
    }
  });

  it("committed under generated/ is what pseud gen writes for schemas/ (pseud check passes)", async () => {
    const { code, stdout, stderr } = await runCli(REPO, ["check"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("up to date");
  });
});
