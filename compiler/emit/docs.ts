/** What a method's doc comment is made of; a default (JSON text) is said, since the type cannot show it. */
export interface Documented {
  readonly doc: string | undefined;
  readonly default?: string | undefined;
  readonly params?: readonly { readonly name: string; readonly doc: string | undefined; readonly default?: string | undefined }[];
  /** Declared error class names: a caller sees them as RemoteError.remoteClass. */
  readonly errors?: readonly string[];
}

/** A TSDoc comment for a declaration, its parameters and its declared errors, indented; none when there is nothing to say. */
export function docLines({ doc, default: value, params = [], errors = [] }: Documented, indent = ""): string[] {
  const tags = params.flatMap((p) => {
    const text = withDefault(p.doc, p.default);
    return text === "" ? [] : [`@param ${p.name} - ${text}`];
  });
  if (errors.length > 0) tags.push(`@throws RemoteError with remoteClass ${errors.join(" or ")}`);
  const text = [withDefault(doc, value), ...tags].filter((part) => part !== "").join("\n");
  if (text === "") return [];
  const lines = text.replace(/\*\//g, "*\\/").split("\n");
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line.trim() === "" ? "" : ` ${line.trimEnd()}`}`), `${indent} */`];
}

function withDefault(doc: string | undefined, value: string | undefined): string {
  return [doc?.trim() ?? "", value === undefined ? "" : `Defaults to ${value}.`].filter((part) => part !== "").join(" ");
}

/** A method signature in an interface, its parameters on lines of their own when it would be longer than 100 characters. */
export function signatureLines(name: string, params: readonly string[], returns: string): string[] {
  const oneLine = `  ${name}(${params.join(", ")}): ${returns};`;
  if (oneLine.length <= 100) return [oneLine];
  return [`  ${name}(`, ...params.map((p) => `    ${p},`), `  ): ${returns};`];
}
