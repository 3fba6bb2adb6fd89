import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { afterThisTest } from "../helpers.js";
import { main } from "../../compiler/cli.js";
import { tempProject } from "./temp-project.js";

const schema = (method: string, name = "clock") => `import { z } from "zod";
import { method, service } from "pseud-gen/schema";
export const ${name} = service("${name}", { methods: { ${method}: method({ params: {}, returns: z.date() }) } });
`;

/**
 * `pseud gen --watch` in this process (the CLI's own `main`), stopped after the test. Resolves once it watches.
 * That Ctrl-C (SIGINT) ends the installed command with exit code 0 is checked on the user's path (test/user-path).
 */
async function watchInProcess(root: string) {
  const stop = new AbortController();
  const output = { stderr: "" };
  const exited = main(["gen", "--watch"], { cwd: root, out: () => {}, err: (text) => void (output.stderr += text), stop: stop.signal });
  afterThisTest(async () => {
    stop.abort();
    await exited;
  });
  await expect.poll(() => output.stderr, { timeout: 30_000 }).toContain("watching");
  return { output, stop: async () => (stop.abort(), exited) };
}

describe("pseud gen --watch", () => {
  it("generates again when a schema changes", async () => {
    const root = tempProject({ "schemas/clock.ts": schema("now") });
    const { output, stop } = await watchInProcess(root);
    const generated = join(root, "generated/clock.ts");
    expect(readFileSync(generated, "utf8")).toContain("  now(callOptions?: CallOptions)");
    writeFileSync(join(root, "schemas/clock.ts"), schema("later"));
    await expect.poll(() => readFileSync(generated, "utf8"), { timeout: 30_000 }).toContain("  later(callOptions?: CallOptions)");
    expect(output.stderr).toContain("changed; generating");
    expect(await stop()).toBe(0);
  }, 40_000);

  it("follows a new sub-folder for good: every later edit in it regenerates", async () => {
    const root = tempProject({ "schemas/clock.ts": schema("now") });
    const watching = await watchInProcess(root);
    const generated = join(root, "generated/timer.ts");
    mkdirSync(join(root, "schemas/sub/deeper"), { recursive: true });
    writeFileSync(join(root, "schemas/sub/deeper/timer.ts"), schema("start", "timer"));
    await expect.poll(() => existsSync(generated) && readFileSync(generated, "utf8"), { timeout: 30_000 }).toContain("  start(callOptions?: CallOptions)");
    for (const name of ["stop", "reset"]) {
      writeFileSync(join(root, "schemas/sub/deeper/timer.ts"), schema(name, "timer"));
      await expect.poll(() => readFileSync(generated, "utf8"), { timeout: 30_000 }).toContain(`  ${name}(callOptions?: CallOptions)`);
    }
    expect(await watching.stop()).toBe(0);
  }, 60_000);
});
