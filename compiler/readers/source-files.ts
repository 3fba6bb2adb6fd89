import { relative, sep } from "node:path";
import type { SourceLocation } from "../ir/types.js";

/** A schema file's path as the IR and every message show it: relative to the project root, with `/`. */
export function displayPath(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

/** A location in a schema file. */
export function locationIn(root: string, file: string, line: number, column: number): SourceLocation {
  return { file: displayPath(root, file), line, column };
}
