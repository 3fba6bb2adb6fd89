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

/** Where `export const NAME` (or `export let`/`var`) is written in a source text, 1-based; line 1 if not found. */
export function exportPosition(text: string, name: string): { line: number; column: number } {
  const match = new RegExp(`export\\s+(?:const|let|var)\\s+${name.replace(/\$/g, "\\$")}\\b`).exec(text);
  if (!match) return { line: 1, column: 1 };
  const before = text.slice(0, match.index);
  const line = before.split("\n").length;
  return { line, column: match.index - before.lastIndexOf("\n") };
}
