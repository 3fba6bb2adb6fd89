import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/** Where a schema declaration was written: file (absolute), line and column, 1-based. */
export interface DeclaredAt {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The source position of the code that called the schema API function that
 * calls this, so that schema mistakes can name file and line. Read from V8's
 * structured call sites, then mapped through Node's source-map cache (the
 * schema loader compiles TypeScript with inline maps): a host that formats
 * stack traces its own way (a test runner) cannot change the answer.
 */
export function callerLocation(): DeclaredAt | undefined {
  const previous = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerLocation);
    sites = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = previous;
  }
  // [0] method()/service(), [1] the schema module
  const site = sites[1];
  const name = site?.getFileName() ?? site?.getScriptNameOrSourceURL();
  const line = site?.getLineNumber();
  const column = site?.getColumnNumber();
  if (!name || !line || !column) return undefined;
  const mapped = findSourceMap(name)?.findEntry(line - 1, column - 1);
  if (mapped && "originalSource" in mapped && mapped.originalSource) {
    return { file: toPath(mapped.originalSource), line: mapped.originalLine + 1, column: mapped.originalColumn + 1 };
  }
  return { file: toPath(name), line, column };
}

function toPath(location: string): string {
  const bare = location.replace(/\?.*$/, "");
  return bare.startsWith("file://") ? fileURLToPath(bare) : bare;
}
