import { z } from "zod";
import type { IrSchema, IrType } from "./types.js";

/**
 * IR snapshots: the IR as JSON, so that a project can pin its published
 * contract without git history (`pseud gen --emit-ir contract.json`, then
 * `pseud breaking --against contract.json`).
 */
export const SNAPSHOT_VERSION = 1;

const loc = z.object({ file: z.string(), line: z.number().int(), column: z.number().int() });
const type: z.ZodType<IrType> = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal("primitive"), name: z.enum(["string", "number", "integer", "boolean", "bigint", "bytes", "date", "null"]) }),
    z.object({ kind: z.literal("literal"), value: z.union([z.string(), z.number(), z.boolean()]) }),
    z.object({ kind: z.literal("array"), element: type }),
    z.object({ kind: z.literal("tuple"), items: z.array(type) }),
    z.object({ kind: z.literal("object"), fields: z.array(z.object({ name: z.string(), type, optional: z.boolean(), doc: doc() })) }),
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
  params: z.array(z.object({ name: z.string(), type, optional: z.boolean(), doc: doc() })),
  returns: type,
  errors: z.array(z.string()),
  doc: doc(),
  loc,
});
const snapshot = z.object({
  pseudIr: z.literal(SNAPSHOT_VERSION),
  schema: z.object({
    services: z.array(
      z.object({ name: z.string(), typeName: z.string(), doc: doc(), methods: z.array(method), clientMethods: z.array(method), loc }),
    ),
    types: z.array(z.object({ name: z.string(), type, doc: doc(), loc })),
  }),
});

/** JSON drops undefined; a snapshot writes no doc as null. */
function doc() {
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
    return { ok: false, message: `not a pseud IR snapshot (version ${SNAPSHOT_VERSION}): ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}` };
  }
  return { ok: true, schema: parsed.data.schema as IrSchema };
}
