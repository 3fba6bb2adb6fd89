/** Every type shape the compiler supports, for the golden-file test. */
import { z } from "zod";
import { bytes, event, method, service } from "pseud-gen/schema";

export interface TreeShape {
  label: string;
  children: TreeShape[];
}

export const Tree: z.ZodType<TreeShape> = z
  .object({ label: z.string(), children: z.array(z.lazy(() => Tree)) })
  .describe("A recursive type:\nnamed, and reached through z.lazy.");

export const Level = z.union([z.literal(1), z.literal(2), z.literal(true), z.literal("max")]);

/** Constraints and defaults, as validators carry them. */
export const Page = z.object({
  size: z.number().int().positive().max(500).default(20),
  cursor: z.string().nullable().default(null),
  order: z.enum(["newest", "oldest"]).default("newest"),
});

export const Contact = z.email();

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
    search: method({
      doc: "Every constraint kind the IR carries.",
      params: {
        query: z.string().min(3).max(80).regex(/^[a-z ]+$/i).describe("Words to look for."),
        code: z.string().length(4).regex(/^\d+$/),
        id: z.uuid(),
        since: z.iso.datetime(),
        ratio: z.number().gt(0).lt(1).multipleOf(0.05),
        port: z.uint32(),
        tags: z.array(z.enum(["red", "green", "blue"])).min(1).max(3),
        pair: z.array(z.string()).length(2),
        to: Contact,
        page: Page,
        limit: z.number().int().min(1).max(100).default(50).describe("At most this many."),
        sort: z.enum(["score", "date"]).default("score"),
      },
      returns: z.array(z.string().min(1)).max(100),
    }),
  },
  events: {
    "tree.grown": event({ doc: "A named payload.", payload: Tree }),
    tick: event({ payload: z.object({ at: z.date(), count: z.number().int().min(0) }) }),
    "page.seen": event({ payload: Page.nullable() }),
  },
});
