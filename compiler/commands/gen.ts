import { parseArgs } from "node:util";
import { existsSync, type FSWatcher, mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { formatDiagnostics } from "../diagnostics.js";
import { writeSnapshot } from "../ir/snapshot.js";
import { type Io, previouslyGenerated, readProject } from "./project.js";
import { diagnosticFormat, parse, PROJECT_HELP, PROJECT_OPTIONS, projectConfig } from "./options.js";

export const GEN_HELP = `pseud gen: generate typed clients and server skeletons from schemas

Usage: pseud gen [options]

Writes one file per service (and types.ts for shared named types) into the
output folder, and removes generated files whose service is gone. Writes
nothing when a schema has a mistake.

${PROJECT_HELP}
  --watch                    generate again whenever a schema file changes
  --emit-ir <file>           also write the IR snapshot (the published contract) for pseud breaking --against

Exit codes: 0 generated, 1 schema mistakes (printed as file:line:col: message), 2 usage or config error.
`;

/** `pseud gen`. */
export async function genCommand(args: readonly string[], io: Io): Promise<number> {
  const { values } = parse(() => parseArgs({ args: [...args], options: { ...PROJECT_OPTIONS, watch: { type: "boolean" }, "emit-ir": { type: "string" } } as const, strict: true }));
  if (values.help) {
    io.out(GEN_HELP);
    return 0;
  }
  const format = diagnosticFormat(values.format);
  const config = projectConfig(io.cwd, values);
  const once = async (): Promise<{ code: number; schemaFiles: readonly string[] }> => {
    const read = await readProject(config, io);
    if (!read.ok) {
      io.err(formatDiagnostics(read.diagnostics, format));
      io.err(`pseud gen: ${read.diagnostics.length} schema mistake${read.diagnostics.length === 1 ? "" : "s"}; nothing written\n`);
      return { code: 1, schemaFiles: read.schemaFiles };
    }
    const outDir = join(config.root, config.out);
    mkdirSync(outDir, { recursive: true });
    for (const [name, content] of [...read.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const path = join(outDir, name);
      const shown = relative(io.cwd, path);
      if (existsSync(path) && readFileSync(path, "utf8") === content) io.out(`unchanged ${shown}\n`);
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
        io.out(`wrote ${shown}\n`);
      }
    }
    if (values["emit-ir"] !== undefined) {
      const irPath = join(io.cwd, values["emit-ir"]);
      mkdirSync(dirname(irPath), { recursive: true });
      writeFileSync(irPath, writeSnapshot(read.schema));
      io.out(`wrote ${relative(io.cwd, irPath)}\n`);
    }
    for (const name of previouslyGenerated(outDir)) {
      if (read.files.has(name)) continue;
      rmSync(join(outDir, name));
      io.out(`removed ${relative(io.cwd, join(outDir, name))}\n`);
    }
    return { code: 0, schemaFiles: read.schemaFiles };
  };

  const first = await once();
  if (!values.watch) return first.code;
  return watchAndRegenerate(first.schemaFiles, config.root, join(config.root, config.out), once, io);
}

/**
 * Generates again, debounced, whenever a file beside a schema changes; runs
 * until interrupted. Watches the root, every folder holding a schema, and
 * every folder that appears under a watched one (with its sub-folders), for
 * good: a schema written into a new folder later is seen too.
 */
function watchAndRegenerate(
  schemaFiles: readonly string[],
  root: string,
  outDir: string,
  once: () => Promise<{ code: number; schemaFiles: readonly string[] }>,
  io: Io,
): Promise<number> {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const follow = (folder: string): void => {
    if (watchers.has(folder) || isIgnored(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => onChange(name === null ? folder : join(folder, name.toString())));
    } catch {
      return; // gone before we looked
    }
    watcher.on("error", () => unfollow(folder)); // the folder was removed
    watchers.set(folder, watcher);
    for (const entry of readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) follow(join(folder, entry.name));
  };
  const unfollow = (folder: string): void => {
    watchers.get(folder)?.close();
    watchers.delete(folder);
  };
  /** Our output, dependencies and dot-folders (.git, breaking's scratch) are never schema folders. */
  const isIgnored = (folder: string): boolean =>
    folder === outDir ||
    folder.startsWith(`${outDir}${sep}`) ||
    relative(root, folder)
      .split(sep)
      .some((part) => part === "node_modules" || (part.startsWith(".") && part !== ".."));
  const onChange = (changed: string): void => {
    if (changed === outDir || changed.startsWith(`${outDir}${sep}`)) return; // our own writes
    if (!watchers.has(changed) && isDirectory(changed)) follow(changed);
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        io.err(`pseud gen: ${relative(io.cwd, changed)} changed; generating\n`);
        const result = await once();
        for (const file of result.schemaFiles) follow(dirname(file));
      });
    }, 100);
  };
  // The root alone, not its whole tree: only folders that hold schemas, and new ones, are followed.
  watchers.set(root, watch(root, (_event, name) => onChange(name === null ? root : join(root, name.toString()))));
  for (const file of schemaFiles) follow(dirname(file));
  io.err(`pseud gen: watching ${watchers.size} folder${watchers.size === 1 ? "" : "s"}; Ctrl-C to stop\n`);
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      void running.then(() => resolve(0));
    };
    if (io.stop === undefined) process.once("SIGINT", stop);
    else if (io.stop.aborted) stop();
    else io.stop.addEventListener("abort", stop, { once: true });
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
