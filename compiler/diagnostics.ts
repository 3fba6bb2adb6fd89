import type { Diagnostic } from "./ir/types.js";

/** How diagnostics are printed: for people, for tools, or as GitHub Actions annotations. */
export const DIAGNOSTIC_FORMATS = ["text", "json", "github"] as const;
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/** Diagnostics as text, sorted by file, line and column: `file:line:col: message` per line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat): string {
  const sorted = [...diagnostics].sort(
    (a, b) => (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : a.loc.line - b.loc.line || a.loc.column - b.loc.column),
  );
  switch (format) {
    case "json":
      return `${JSON.stringify(sorted.map((d) => ({ ...d.loc, message: d.message })), null, 2)}\n`;
    case "github":
      return sorted.map((d) => `::error file=${d.loc.file},line=${d.loc.line},col=${d.loc.column}::${escapeGithub(d.message)}\n`).join("");
    case "text":
      return sorted.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column}: ${d.message}\n`).join("");
  }
}

/** GitHub's workflow commands end at a newline and treat % specially. */
function escapeGithub(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
