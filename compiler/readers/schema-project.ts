import { statSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import { FileSystemRefreshResult, Project, type SourceFile, ts } from "ts-morph";

/**
 * ts-morph projects kept from one read of the schemas to the next in one
 * process (`pseud gen --watch`, `pseud breaking`, which reads twice, a
 * program that generates several times). Most of a read is parsing and
 * binding the declaration files the schemas reach under node_modules (zod's
 * alone are some 10,000 lines), and those do not change between reads.
 *
 * There is one project for each set of compiler options. After each read it
 * forgets every file outside node_modules, so that the next read sees the
 * schemas and the modules they import as they are on disk then; a
 * declaration file under node_modules that has changed on disk since (an
 * npm install meanwhile) is read again. Reads of one project take turns.
 */
const projects = new Map<string, { project: Project; turn: Promise<unknown>; modified: Map<SourceFile, number> }>();

/**
 * Runs `read` with the project for this tsconfig (or TypeScript's defaults
 * with `strict` when there is none), after any read of the same project
 * still under way, and has it forget the read's files afterwards.
 */
export function withSchemaProject<T>(tsconfig: string | undefined, read: (project: Project) => Promise<T>): Promise<T> {
  const options = compilerOptions(tsconfig);
  const key = optionsKey(options);
  let entry = projects.get(key);
  if (entry === undefined) {
    entry = { project: new Project({ compilerOptions: options }), turn: Promise.resolve(), modified: new Map() };
    projects.set(key, entry);
  }
  const { project, modified } = entry;
  const run = entry.turn.then(async () => {
    refreshChanged(modified);
    try {
      return await read(project);
    } finally {
      for (const source of project.getSourceFiles()) {
        if (isKept(source)) modified.set(source, modifiedAt(source));
        else project.removeSourceFile(source);
      }
    }
  });
  entry.turn = run.catch(() => {});
  return run;
}

/** The tsconfig's compiler options, as TypeScript reads them (`extends` followed); a broken tsconfig throws, as ts-morph's own reading did. */
function compilerOptions(tsconfig: string | undefined): ts.CompilerOptions {
  if (tsconfig === undefined) return { strict: true };
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig), undefined, tsconfig);
  const fatal = parsed.errors.filter((e) => e.category === ts.DiagnosticCategory.Error && e.code !== NO_INPUTS);
  if (fatal.length > 0) throw new Error(fatal.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("\n"));
  return parsed.options;
}

/** "No inputs were found in config file": schemas are added one by one, not from the tsconfig's `include`. */
const NO_INPUTS = 18003;

/**
 * Two tsconfigs with the same options read schemas alike, wherever they are:
 * the config's own path does not count, nor the folder that `paths` are
 * relative to when every path is absolute.
 */
function optionsKey(options: ts.CompilerOptions): string {
  const { configFilePath: _configFilePath, pathsBasePath, ...rest } = options;
  const relativePaths = Object.values(options.paths ?? {}).some((targets) => targets.some((target) => !isAbsolute(target)));
  return JSON.stringify(relativePaths ? { ...rest, pathsBasePath } : rest);
}

/** Kept between reads: declaration files under node_modules (and TypeScript's own libraries, which ts-morph keeps in memory). */
function isKept(source: SourceFile): boolean {
  return source.isDeclarationFile() && (source.isInNodeModules() || source.getFilePath().includes("/node_modules/"));
}

function modifiedAt(source: SourceFile): number {
  try {
    return statSync(source.getFilePath()).mtimeMs;
  } catch {
    return -1; // in memory (a library file), or gone
  }
}

/** Reads again a kept file that changed on disk since the last read, and forgets one that is gone. */
function refreshChanged(modified: Map<SourceFile, number>): void {
  for (const [source, at] of modified) {
    if (source.wasForgotten()) {
      modified.delete(source);
      continue;
    }
    const now = modifiedAt(source);
    if (now === at) continue;
    if (source.refreshFromFileSystemSync() === FileSystemRefreshResult.Deleted) modified.delete(source);
  }
}
