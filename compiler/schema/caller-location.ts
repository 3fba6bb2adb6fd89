import { fileURLToPath } from "node:url";

/** Where a schema declaration was written: file (absolute), line and column, 1-based. */
export interface DeclaredAt {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The source position of the code that called the schema API function that
 * calls this: read off a stack trace (source maps on, the schema loader maps
 * TypeScript positions back), so that schema mistakes can name file and line.
 */
export function callerLocation(): DeclaredAt | undefined {
  const stack = new Error().stack?.split("\n") ?? [];
  // [0] "Error", [1] callerLocation, [2] method()/service(), [3] the schema module
  const frame = stack[3];
  const match = frame?.match(/\(?((?:file:\/\/)?[^():]+(?::\\)?[^():]*):(\d+):(\d+)\)?\s*$/);
  if (!match) return undefined;
  const [, location, line, column] = match as unknown as [string, string, string, string];
  const file = location.startsWith("file://") ? fileURLToPath(location) : location;
  return { file, line: Number(line), column: Number(column) };
}
