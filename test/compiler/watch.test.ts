import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { afterThisTest } from "../helpers.js";
import { REPO, tempProject } from "./temp-project.js";

const schema = (method: string) => `import { z } from "zod";
import { method, service } from "pseud-gen/schema";
export const clock = service("clock", { methods: { ${method}: method({ params: {}, returns: z.date() }) } });
`;

describe("pseud gen --watch", () => {
  it("generates again when a schema changes", async () => {
    const root = tempProject({ "schemas/clock.ts": schema("now") });
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test/compiler/cli-entry.ts"), "gen", "--watch"], { cwd: root });
    afterThisTest(() => child.kill("SIGINT"));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await expect.poll(() => stderr, { timeout: 15_000 }).toContain("watching");
    const generated = join(root, "generated/clock.ts");
    expect(readFileSync(generated, "utf8")).toContain("async now(");
    writeFileSync(join(root, "schemas/clock.ts"), schema("later"));
    await expect.poll(() => readFileSync(generated, "utf8"), { timeout: 15_000 }).toContain("async later(");
    expect(stderr).toContain("changed; generating");
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
  }, 40_000);
});
