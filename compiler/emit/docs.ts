/** What a method's doc comment is made of. */
export interface Documented {
  readonly doc: string | undefined;
  readonly params?: readonly { readonly name: string; readonly doc: string | undefined }[];
  /** Declared error class names: a caller sees them as RemoteError.remoteClass. */
  readonly errors?: readonly string[];
}

/** A TSDoc comment for a declaration, its parameters and its declared errors, indented; none when there is nothing to say. */
export function docLines({ doc, params = [], errors = [] }: Documented, indent = ""): string[] {
  const tags = params.filter((p) => p.doc !== undefined && p.doc.trim() !== "").map((p) => `@param ${p.name} - ${p.doc?.trim()}`);
  if (errors.length > 0) tags.push(`@throws RemoteError with remoteClass ${errors.join(" or ")}`);
  const text = [doc?.trim() ?? "", ...tags].filter((part) => part !== "").join("\n");
  if (text === "") return [];
  const lines = text.replace(/\*\//g, "*\\/").split("\n");
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line.trim() === "" ? "" : ` ${line.trimEnd()}`}`), `${indent} */`];
}
