/**
 * Codegen benchmark: `pseud gen` and `pseud check` on a generated schema of
 * 1,000 methods, as a user runs them (the built CLI, a fresh process each
 * round, so module loading counts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Figure, rounds } from "./stats.js";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(REPO, "compiler/bin/pseud.js");

/** A Zod schema of `count` methods over a few shared named types. */
export function bigSchema(count: number): string {
  const lines = [
    `import { z } from "zod";`,
    `import { method, service } from "pseud-gen/schema";`,
    "",
    "export const Item = z.object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()), price: z.number().optional() });",
    "export const Page = z.object({ items: z.array(Item), next: z.string().nullable() });",
    "",
    `export const big = service("big", {`,
    "  methods: {",
  ];
  for (let i = 0; i < count; i++) {
    lines.push(`    "area${i % 50}.op${i}": method({ doc: "Operation ${i}.", params: { id: z.number().int(), filter: z.string().optional() }, returns: ${i % 2 ? "Page" : "Item"} }),`);
  }
  lines.push("  },", "});", "");
  return lines.join("\n");
}

export async function codegenFigures(quick: boolean): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), "pseud-bench-"));
  try {
    mkdirSync(join(root, "schemas"));
    writeFileSync(join(root, "schemas/big.ts"), bigSchema(1000));
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
    // pseud-gen/schema resolves to this checkout's build, as node_modules/pseud would in a user's project
    const tsconfig = { compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", paths: { "pseud-gen/schema": [join(REPO, "compiler/dist/schema/index.js")] } } };
    writeFileSync(join(root, "tsconfig.json"), JSON.stringify(tsconfig));
    const run = (verb: string) => execFileSync(process.execPath, [CLI, verb], { cwd: root, stdio: "pipe" });
    const n = quick ? 2 : 5;
    const gen = await rounds(n, async () => {
      rmSync(join(root, "generated"), { recursive: true, force: true });
      const start = performance.now();
      run("gen");
      return performance.now() - start;
    });
    const check = await rounds(n, async () => {
      const start = performance.now();
      run("check");
      return performance.now() - start;
    });
    return [
      { name: "pseud gen, 1,000 methods (wall)", unit: "ms", ...gen },
      { name: "pseud check, 1,000 methods (wall)", unit: "ms", ...check },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
