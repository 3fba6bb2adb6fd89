/** Naming rules shared by the readers, the checks and the emitters. */

/** Code-unit order; localeCompare can vary by locale. */
export const sortBy = <T>(xs: readonly T[], key: (x: T) => string): T[] =>
  [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plain identifier: letters, digits and `_`, not starting with a digit. */
export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name);

/** A dotted wire name: identifiers joined by dots (`draw.me.a.sheep`). */
export const isDottedName = (name: string): boolean => name.split(".").every(isIdentifier);

/** The wire name's local name in generated code: `string.lower` → `stringLower`. */
export function localName(wireName: string): string {
  const [first = "", ...rest] = wireName.split(".");
  return first + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
}

/** A service's type name in generated code: `greeter` → `Greeter`, `user_store` → `UserStore`. */
export function typeName(serviceName: string): string {
  return serviceName
    .split(/[._]/)
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** Words that cannot name a parameter or field in generated TypeScript. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "as implements interface let package private protected public static yield await arguments eval"
  ).split(" "),
);
