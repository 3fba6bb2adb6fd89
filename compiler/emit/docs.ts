/** A TSDoc comment for `doc`, indented; none when there is no doc. */
export function docLines(doc: string | undefined, indent = ""): string[] {
  if (doc === undefined || doc.trim() === "") return [];
  const lines = doc.replace(/\*\//g, "*\\/").trim().split("\n");
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line.trim() === "" ? "" : ` ${line.trimEnd()}`}`), `${indent} */`];
}
