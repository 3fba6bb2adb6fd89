/**
 * The intermediate representation: plain readonly data with source
 * locations. Readers turn Zod or TypeScript declarations into it; neither
 * leaks past them. gen, check and breaking all start from it, so equivalent
 * schemas in the two formats give equal IR (locations aside).
 */

/** A place in a schema file; `file` is relative to the project root, with `/`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The primitive types of the wire (PROTOCOL.md, "Encoding facts"). */
export type PrimitiveName = "string" | "number" | "integer" | "boolean" | "bigint" | "bytes" | "date" | "null";

/**
 * The well-known string formats, checked as Zod 4 checks them (`email` is
 * `z.email()`, `datetime` is `z.iso.datetime()`, each with its default
 * options). Those whose Zod function has been there since zod 4.0.
 */
export const STRING_FORMATS = [
  "email",
  "uuid",
  "uuidv4",
  "uuidv6",
  "uuidv7",
  "guid",
  "url",
  "emoji",
  "nanoid",
  "cuid",
  "cuid2",
  "ulid",
  "xid",
  "ksuid",
  "ipv4",
  "ipv6",
  "cidrv4",
  "cidrv6",
  "base64",
  "base64url",
  "e164",
  "jwt",
  "datetime",
  "date",
  "time",
  "duration",
] as const;

/** A well-known string format. */
export type StringFormat = (typeof STRING_FORMATS)[number];

/** A regular expression a string must match: `RegExp.source` and `RegExp.flags`. */
export interface IrPattern {
  readonly source: string;
  readonly flags: string;
}

/** What a string must be besides a string; every constraint present holds. Never empty: no constraints, no object. */
export interface StringConstraints {
  /** In UTF-16 code units, as `String.length` counts (and Zod). */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** In the order written; the string matches each. */
  readonly patterns?: readonly IrPattern[];
  readonly format?: StringFormat;
}

/** A bound of a number range. */
export interface IrBound {
  readonly value: number;
  /** True for `>`/`<`, false for `>=`/`<=`. */
  readonly exclusive: boolean;
}

/** What a number must be besides a number (or an integer). Never empty. */
export interface NumberConstraints {
  readonly min?: IrBound;
  readonly max?: IrBound;
  readonly multipleOf?: number;
}

/** How many items an array may have. Never empty. */
export interface ArrayConstraints {
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A type, structurally. Constraints are there only when there are some, so equal types are equal data. */
export type IrType =
  | { readonly kind: "primitive"; readonly name: "string"; readonly constraints?: StringConstraints }
  | { readonly kind: "primitive"; readonly name: "number" | "integer"; readonly constraints?: NumberConstraints }
  | { readonly kind: "primitive"; readonly name: "boolean" | "bigint" | "bytes" | "date" | "null" }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  /** Two or more strings, in declaration order (a union of string literals is one). */
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "array"; readonly element: IrType; readonly constraints?: ArrayConstraints }
  | { readonly kind: "tuple"; readonly items: readonly IrType[] }
  | { readonly kind: "object"; readonly fields: readonly IrField[] }
  | { readonly kind: "record"; readonly value: IrType }
  | { readonly kind: "union"; readonly members: readonly IrType[] }
  | { readonly kind: "ref"; readonly name: string }
  /** Only as a return type: the method returns nothing (nil on the wire). */
  | { readonly kind: "void" };

/** A field of an object type, in declaration order. */
export interface IrField {
  readonly name: string;
  readonly type: IrType;
  /** May be left out; always true when there is a default. */
  readonly optional: boolean;
  /** The value the receiving validator fills in when the field is left out, as JSON text (`50`, `"x"`, `null`). */
  readonly default: string | undefined;
  readonly doc: string | undefined;
}

/** A parameter, in order: its name is its keyword-argument name on the wire. */
export interface IrParam {
  readonly name: string;
  readonly type: IrType;
  /** The caller may leave it out; always true when there is a default. */
  readonly optional: boolean;
  /**
   * The value the receiving side's validator fills in when the caller leaves
   * the parameter out, as JSON text (`50`, `"x"`, `null`): the handler gets
   * it, never undefined.
   */
  readonly default: string | undefined;
  readonly doc: string | undefined;
}

/** A method. */
export interface IrMethod {
  /** On the wire: `"string.upper"`. */
  readonly name: string;
  /** In generated code: `"stringUpper"`. */
  readonly localName: string;
  /** The predicate domain; `"default"` unless set. */
  readonly domain: string;
  readonly params: readonly IrParam[];
  readonly returns: IrType;
  /** Error class names it may raise, sorted. */
  readonly errors: readonly string[];
  readonly doc: string | undefined;
  readonly loc: SourceLocation;
}

/** An event a server publishes to the clients that subscribe to it. */
export interface IrEvent {
  /** On the wire: `"sheep.counted"`. */
  readonly name: string;
  /** In generated code: `"sheepCounted"`. */
  readonly localName: string;
  readonly payload: IrType;
  readonly doc: string | undefined;
  readonly loc: SourceLocation;
}

/** A named type that methods share. */
export interface IrNamedType {
  readonly name: string;
  readonly type: IrType;
  readonly doc: string | undefined;
  readonly loc: SourceLocation;
}

/** A service: the server's methods and the methods its clients offer back. */
export interface IrService {
  /** On the wire: the server's routing id. */
  readonly name: string;
  /** In generated code: `Greeter` for `greeter`. */
  readonly typeName: string;
  readonly doc: string | undefined;
  /** Sorted by wire name. */
  readonly methods: readonly IrMethod[];
  /** Sorted by wire name. */
  readonly clientMethods: readonly IrMethod[];
  /** The events its server publishes; sorted by wire name. */
  readonly events: readonly IrEvent[];
  readonly loc: SourceLocation;
}

/** Everything read from a set of schema files. */
export interface IrSchema {
  /** Sorted by wire name. */
  readonly services: readonly IrService[];
  /** Sorted by name. */
  readonly types: readonly IrNamedType[];
}

/** A problem found in a schema, at a place. */
export interface Diagnostic {
  readonly loc: SourceLocation;
  readonly message: string;
}
