/** A TSDoc comment for `doc` and its parameters' docs, indented; none when there is nothing to say. */
export function docLines(doc: string | undefined, indent = "", params: readonly { name: string; doc: string | undefined }[] = []): string[] {
  const tags = params.filter((p) => p.doc !== undefined && p.doc.trim() !== "").map((p) => `@param ${p.name} - ${p.doc?.trim()}`);
  const text = [doc?.trim() ?? "", ...tags].filter((part) => part !== "").join("\n");
  if (text === "") return [];
  const lines = text.replace(/\*\//g, "*\\/").split("\n");
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line.trim() === "" ? "" : ` ${line.trimEnd()}`}`), `${indent} */`];
}
