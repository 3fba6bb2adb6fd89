import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../compiler/cli.js";
import { afterThisTest } from "../helpers.js";

/** This repository's root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A throwaway project with these files, removed after the test. Its
 * tsconfig maps `pseud` and `pseud-gen/schema` to this repository's sources, as
 * node_modules/pseud would in a user's project; its node_modules is this
 * repository's.
 */
export function tempProject(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), "pseud-project-"));
  afterThisTest(() => rmSync(root, { recursive: true, force: true }));
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      skipLibCheck: true,
      types: [],
      paths: {
        pseud: [join(REPO, "runtime/index.ts")],
        "pseud-gen/schema": [join(REPO, "compiler/schema/index.ts")],
      },
    },
  };
  writeFileSync(join(root, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir"); // zod, as a user's project has it
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Runs `pseud <args>` in-process in `cwd`; resolves with its exit code and output. */
export async function runCli(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
