import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import getExePath from "../../node_modules/typescript/lib/getExePath.js";
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
  const root = tempFolder("pseud-project-");
  writeProject(root, files);
  return root;
}

/** An empty folder under the system's temp folder, removed after the test. */
function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  afterThisTest(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Writes {@link tempProject}'s tsconfig, node_modules link and files into `root`, which the caller removes. */
export function writeProject(root: string, files: Readonly<Record<string, string>>): void {
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      // A server's libraries, as a Node project's tsconfig has them: no DOM (which the schema reader would otherwise parse and bind).
      lib: ["ES2022"],
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
}

/** A copy of a project folder (a git repository included, links kept as links), removed after the test. */
export function copyProject(from: string): string {
  const root = tempFolder("pseud-project-");
  cpSync(from, root, { recursive: true, verbatimSymlinks: true });
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

/**
 * The repository's TypeScript (7, the native compiler), as a user's `npx tsc`
 * runs it, minus the node process that `bin/tsc` starts only to find it.
 */
const TSC = getExePath();

/** The first line of one of tsc's diagnostics: `path(line,col): error TS1234: message`. */
const TSC_DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

/** One error tsc reported: its file (relative to the checked project's root), line, code and message, details joined on. */
export interface TscError {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Type-checks `files` (relative to `root`) with the tsconfig `base` (the
 * project's own by default) and these extra compiler options, as
 * `tsc --noEmit` in a child process. Resolves with each error in one of
 * those files. Errors elsewhere in the program, e.g. in this repository's
 * runtime that a {@link tempProject} reaches by `paths`, are left out:
 * `npm run typecheck` checks those.
 */
export async function typeCheck(
  root: string,
  files: readonly string[],
  compilerOptions: Readonly<Record<string, unknown>> = {},
  base = join(root, "tsconfig.json"),
): Promise<TscError[]> {
  const dir = tempFolder("pseud-tsc-");
  const paths = files.map((f) => resolve(root, f));
  const config = join(dir, "tsconfig.json");
  // Type libraries (`types: ["node"]`) are looked up from the config's folder, which is not the base's here.
  const typeRoots = [join(dirname(base), "node_modules/@types")];
  writeFileSync(config, JSON.stringify({ extends: base, compilerOptions: { typeRoots, ...compilerOptions, noEmit: true }, files: paths, include: [] }));
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((done, fail) => {
    // One thread: the test workers keep the cores busy, and each extra checker checks the libraries again.
    execFile(TSC, ["-p", config, "--pretty", "false", "--singleThreaded"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 }, (error, out) => {
      if (error && typeof error.code !== "number") fail(error);
      else done({ stdout: out, code: error ? (error.code as number) : 0 });
    });
  });
  // A diagnostic is a line with its place, then its chain of details, indented, on the lines after it.
  const diagnostics: { path: string; line: number; code: string; message: string }[] = [];
  const unplaced: string[] = [];
  for (const line of stdout.split("\n")) {
    const match = TSC_DIAGNOSTIC.exec(line);
    const last = diagnostics.at(-1);
    if (match) {
      const [, file = "", lineNo = "", , tsCode = "", message = ""] = match;
      diagnostics.push({ path: resolve(dir, file), line: Number(lineNo), code: tsCode, message });
    } else if (/^\s/.test(line) && last) last.message += ` ${line.trim()}`;
    else if (line.startsWith("error ")) unplaced.push(line);
  }
  // An error in no file (a bad tsconfig, a missing type library) fails the test, whatever it checks.
  if (unplaced.length > 0 || (code !== 0 && diagnostics.length === 0)) throw new Error(`tsc exited with ${code}:\n${stdout}`);
  const wanted = new Set(paths);
  return diagnostics.filter((d) => wanted.has(d.path)).map(({ path, ...rest }) => ({ file: relative(root, path), ...rest }));
}
