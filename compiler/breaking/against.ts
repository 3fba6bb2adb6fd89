import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import picomatch from "picomatch";
import { glob } from "tinyglobby";
import { ts } from "ts-morph";
import type { ResolvedConfig } from "../config.js";
import { readSnapshot } from "../ir/snapshot.js";
import type { Diagnostic, IrSchema } from "../ir/types.js";
import { readSchemas } from "../readers/read-schemas.js";

/** The schemas a comparison starts from, or why they could not be read. */
export type Against =
  | { readonly ok: true; readonly schema: IrSchema; readonly described: string }
  | { readonly ok: false; readonly diagnostics?: readonly Diagnostic[]; readonly message: string };

/**
 * Reads the old schemas from `ref`: an IR snapshot file, a folder of schema
 * files, or a git revision (the schema files and the modules they import by
 * relative path, as they were there, read with `git show` into a scratch
 * folder inside the project, whose packages they resolve; the work tree is
 * not touched).
 */
export async function loadAgainst(ref: string, config: ResolvedConfig): Promise<Against> {
  const path = resolve(config.root, ref);
  if (existsSync(path) && statSync(path).isFile()) {
    const read = readSnapshot(readFileSync(path, "utf8"));
    return read.ok ? { ok: true, schema: read.schema, described: `snapshot ${ref}` } : { ok: false, message: `${ref}: ${read.message}` };
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    // A folder laid out as the project is read through the config's schema globs; any other, every .ts file in it.
    const ignore = ["**/node_modules/**"];
    const byConfig = await glob([...config.schemas], { cwd: path, absolute: true, ignore });
    const files = (byConfig.length > 0 ? byConfig : await glob(["**/*.ts"], { cwd: path, absolute: true, ignore })).sort();
    return fromFiles(files, path, `folder ${ref}`);
  }
  return fromGit(ref, config);
}

async function fromFiles(files: readonly string[], root: string, described: string, tsconfig?: string): Promise<Against> {
  if (files.length === 0) return { ok: false, message: `${described}: no schema files` };
  const { schema, diagnostics } = await readSchemas(files, { root, ...(tsconfig ? { tsconfig } : {}) });
  if (diagnostics.length > 0) return { ok: false, diagnostics, message: `${described}: the old schemas have mistakes` };
  return { ok: true, schema, described };
}

async function fromGit(ref: string, config: ResolvedConfig): Promise<Against> {
  const git = (...args: string[]) => execFileSync("git", ["-C", config.root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  } catch {
    return { ok: false, message: `${JSON.stringify(ref)} is not a snapshot file, a folder or a git revision` };
  }
  // Paths relative to the project root (git lists them relative to -C's folder).
  const tree = new Set(git("ls-tree", "-r", "--name-only", ref).split("\n").filter((p) => p !== ""));
  const matches = picomatch([...config.schemas]);
  const paths = [...tree].filter((p) => matches(p) && !p.startsWith(`${config.out}/`)).sort();
  const sources = importGraph(paths, tree, (p) => git("show", `${ref}:./${p}`));
  // A scratch folder inside the project, so schema modules resolve zod and pseud as the project's own do.
  const scratch = mkdtempSync(join(config.root, ".pseud-breaking-"));
  try {
    for (const [p, text] of sources) {
      const target = join(scratch, p);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const tsconfig = join(config.root, "tsconfig.json");
    return await fromFiles(
      paths.map((p) => join(scratch, p)),
      scratch,
      `revision ${ref}`,
      existsSync(tsconfig) ? tsconfig : undefined,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The schema files and every module they import by a relative path,
 * transitively, as the revision has them: path → text. Package imports
 * (`zod`, `pseud-gen/schema`) are left to resolve from the project.
 */
function importGraph(schemas: readonly string[], tree: ReadonlySet<string>, show: (path: string) => string): Map<string, string> {
  const sources = new Map<string, string>();
  const queue = [...schemas];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (sources.has(path)) continue;
    const text = show(path);
    sources.set(path, text);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith("./") && !fileName.startsWith("../")) continue;
      const target = posix.normalize(posix.join(posix.dirname(path), fileName));
      const found = moduleCandidates(target).find((candidate) => tree.has(candidate));
      if (found !== undefined) queue.push(found);
    }
  }
  return sources;
}

/** The files an import of `path` may mean, TypeScript's way: `./x.js` is `x.ts`, `./x` is `x.ts` or `x/index.ts`. */
function moduleCandidates(path: string): string[] {
  const stem = path.replace(/\.[mc]?[jt]sx?$/, "");
  return [
    path,
    ...(SOURCE_OF[path.slice(stem.length)] ?? []).map((e) => stem + e),
    ...[".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"].map((e) => path + e),
    ...["/index.ts", "/index.tsx", "/index.js"].map((e) => path + e),
  ];
}

/** The TypeScript sources an import of a JavaScript file name means. */
const SOURCE_OF: Readonly<Record<string, readonly string[]>> = { ".js": [".ts", ".tsx"], ".jsx": [".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };
