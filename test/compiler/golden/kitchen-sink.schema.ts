/** Every type shape the compiler supports, for the golden-file test. */
import { z } from "zod";
import { bytes, method, service } from "pseud-gen/schema";

export interface TreeShape {
  label: string;
  children: TreeShape[];
}

export const Tree: z.ZodType<TreeShape> = z
  .object({ label: z.string(), children: z.array(z.lazy(() => Tree)) })
  .describe("A recursive type:\nnamed, and reached through z.lazy.");

export const Level = z.union([z.literal(1), z.literal(2), z.literal(true), z.literal("max")]);

export const Envelope = z.object({
  "content-type": z.string(),
  headers: z.record(z.string(), z.array(z.string())),
  body: bytes(),
  sentAt: z.date(),
  size: z.bigint(),
  route: z.tuple([z.string(), z.number().int(), z.boolean()]),
  parent: Tree.nullable(),
  level: Level.optional(),
});

export const kitchen = service("kitchen.sink", {
  doc: "Exercises the emitters.",
  methods: {
    "envelope.send": method({
      doc: "Sends an envelope.\n\nReturns its id.",
      params: {
        envelope: Envelope,
        priority: z.number().int().optional().describe("Higher goes first."),
        tags: z.array(z.string()).optional(),
      },
      returns: z.string(),
      errors: ["ValueError", "KeyError"],
    }),
    "tree.walk": method({ params: { tree: Tree, depth: z.number() }, returns: z.array(z.string()).nullable() }),
    nothing: method({ params: {}, returns: z.void(), domain: "ops" }),
    "mixed.union": method({ params: { value: z.union([z.string(), z.number(), z.null()]) }, returns: Level }),
  },
});
