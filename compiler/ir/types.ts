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

/** A type, structurally. */
export type IrType =
  | { readonly kind: "primitive"; readonly name: PrimitiveName }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "array"; readonly element: IrType }
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
  readonly optional: boolean;
  readonly doc: string | undefined;
}

/** A parameter, in order: its name is its keyword-argument name on the wire. */
export interface IrParam {
  readonly name: string;
  readonly type: IrType;
  readonly optional: boolean;
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
