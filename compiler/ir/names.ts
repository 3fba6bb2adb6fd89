/** Naming rules shared by the readers, the checks and the emitters. */

/** Code-unit order; localeCompare can vary by locale. */
export const sortBy = <T>(xs: readonly T[], key: (x: T) => string): T[] =>
  [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plain identifier: letters, digits and `_`, not starting with a digit. */
export const isIdentifier = (name: string): boolean => IDENTIFIER.test(name);

const WIRE_PART = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A dotted wire name: parts of letters, digits, `_` and `-` joined by dots (`draw.me.a.sheep`, `user-store.get`). */
export const isDottedName = (name: string): boolean => name.split(".").every((part) => WIRE_PART.test(part));

/**
 * Member names that would not be ordinary methods of a generated class or
 * object: `constructor` is the class's constructor, `then` makes a stub
 * thenable (so `await stub` would call the remote), and the rest are
 * Object.prototype's.
 */
const SPECIAL_MEMBERS: ReadonlySet<string> = new Set(["constructor", "then", "__proto__", "prototype"]);

/** The wire name's local name in generated code: `string.lower` → `stringLower`, `user-store.get` → `userStoreGet`, `then` → `then_`. */
export function localName(wireName: string): string {
  const [first = "", ...rest] = wireName.split(/[.-]/);
  const name = first + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
  return SPECIAL_MEMBERS.has(name) ? `${name}_` : name;
}

/** A parameter's name in generated code: its wire name, with `_` after a reserved word (`class` → `class_`). */
export function paramName(wireName: string): string {
  return RESERVED_WORDS.has(wireName) ? `${wireName}_` : wireName;
}

/** A service's type name in generated code: `greeter` → `Greeter`, `user_store` and `user-store` → `UserStore`. */
export function typeName(serviceName: string): string {
  return serviceName
    .split(/[._-]/)
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
