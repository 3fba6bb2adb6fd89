import { z } from "zod";
import { type IrSchema, type IrType, STRING_FORMATS } from "./types.js";

/**
 * IR snapshots: the IR as JSON, so that a project can pin its published
 * contract without git history (`pseud gen --emit-ir contract.json`, then
 * `pseud breaking --against contract.json`).
 */
export const SNAPSHOT_VERSION = 2;

/** Versions this reader reads: 1 lacks constraints, enums and defaults, and means none. */
const READABLE_VERSIONS = [1, 2] as const;

const loc = z.object({ file: z.string(), line: z.number().int(), column: z.number().int() });
const bound = z.object({ value: z.number(), exclusive: z.boolean() });
const stringConstraints = z.object({
  minLength: z.number().optional(),
  maxLength: z.number().optional(),
  patterns: z.array(z.object({ source: z.string(), flags: z.string() })).optional(),
  format: z.enum(STRING_FORMATS).optional(),
});
const numberConstraints = z.object({ min: bound.optional(), max: bound.optional(), multipleOf: z.number().optional() });
const arrayConstraints = z.object({ minItems: z.number().optional(), maxItems: z.number().optional() });
const type: z.ZodType<IrType> = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal("primitive"), name: z.literal("string"), constraints: stringConstraints.optional() }),
    z.object({ kind: z.literal("primitive"), name: z.enum(["number", "integer"]), constraints: numberConstraints.optional() }),
    z.object({ kind: z.literal("primitive"), name: z.enum(["boolean", "bigint", "bytes", "date", "null"]) }),
    z.object({ kind: z.literal("literal"), value: z.union([z.string(), z.number(), z.boolean()]) }),
    z.object({ kind: z.literal("enum"), values: z.array(z.string()) }),
    z.object({ kind: z.literal("array"), element: type, constraints: arrayConstraints.optional() }),
    z.object({ kind: z.literal("tuple"), items: z.array(type) }),
    z.object({
      kind: z.literal("object"),
      fields: z.array(z.object({ name: z.string(), type, optional: z.boolean(), default: optionalText(), doc: optionalText() })),
    }),
    z.object({ kind: z.literal("record"), value: type }),
    z.object({ kind: z.literal("union"), members: z.array(type) }),
    z.object({ kind: z.literal("ref"), name: z.string() }),
    z.object({ kind: z.literal("void") }),
  ]),
);
const method = z.object({
  name: z.string(),
  localName: z.string(),
  domain: z.string(),
  params: z.array(z.object({ name: z.string(), type, optional: z.boolean(), default: optionalText(), doc: optionalText() })),
  returns: type,
  errors: z.array(z.string()),
  doc: optionalText(),
  loc,
});
const event = z.object({ name: z.string(), localName: z.string(), payload: type, doc: optionalText(), loc });
const snapshot = z.object({
  pseudIr: z.literal(READABLE_VERSIONS),
  schema: z.object({
    services: z.array(
      z.object({
        name: z.string(),
        typeName: z.string(),
        doc: optionalText(),
        methods: z.array(method),
        clientMethods: z.array(method),
        // Snapshots written before events existed have none.
        events: z.array(event).default([]),
        loc,
      }),
    ),
    types: z.array(z.object({ name: z.string(), type, doc: optionalText(), loc })),
  }),
});

/** JSON drops undefined; a snapshot writes no doc (or default) as null. */
function optionalText() {
  return z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? undefined);
}

/** The snapshot text of a schema: stable JSON, `\n` line ends. */
export function writeSnapshot(schema: IrSchema): string {
  return `${JSON.stringify({ pseudIr: SNAPSHOT_VERSION, schema }, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}

/** Parses a snapshot; the error names what is wrong. */
export function readSnapshot(text: string): { ok: true; schema: IrSchema } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = snapshot.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `not a pseud IR snapshot (version ${READABLE_VERSIONS.join(" or ")}): ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}` };
  }
  return { ok: true, schema: parsed.data.schema as IrSchema };
}
