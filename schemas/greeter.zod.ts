/**
 * The greeter of the seeds, as a Zod schema. schemas/greeter.interface.ts
 * declares the same service as TypeScript interfaces; both give the same IR.
 */
import { z } from "zod";
import { bytes, event, method, service } from "pseud-gen/schema";

export const Size = z.enum(["small", "big"]).describe("How big a sheep is.");

export const Sheep = z
  .object({
    size: Size,
    wool: z.number().int().describe("Wool, in grams."),
    drawnAt: z.date(),
    picture: bytes(),
    tags: z.array(z.string()),
    owner: z.string().nullable(),
    notes: z.string().optional(),
  })
  .describe("A sheep, as a client draws it.");

export const Census = z.object({
  total: z.number().int().min(0).describe("How many sheep were counted."),
  bySize: z.record(z.string(), z.number().int()),
  heaviest: z.tuple([z.string(), z.number()]).nullable(),
  checksum: z.bigint(),
  complete: z.boolean(),
});

export const greeter = service("greeter", {
  doc: "Greets people, does sums, and counts sheep.",
  methods: {
    hello: method({
      doc: "Says hello.",
      params: { name: z.string().describe("Who to greet.") },
      returns: z.string(),
    }),
    add: method({
      doc: "Adds two integers.",
      params: { a: z.number().int(), b: z.number().int() },
      returns: z.number().int(),
    }),
    divide: method({
      doc: "Divides a by b.",
      params: { a: z.number(), b: z.number() },
      returns: z.number(),
      errors: ["ZeroDivisionError"],
    }),
    "string.lower": method({ params: { s: z.string() }, returns: z.string() }),
    "string.upper": method({ params: { s: z.string() }, returns: z.string() }),
    census: method({
      doc: "Counts a flock.",
      params: { flock: z.array(Sheep), since: z.date().optional() },
      returns: Census,
    }),
    "admin.reset": method({
      doc: "Forgets every count; for admins only.",
      params: {},
      returns: z.void(),
      domain: "restricted",
    }),
  },
  clientMethods: {
    "draw.me.a.sheep": method({
      doc: "Asks the client to draw a sheep.",
      params: { size: Size },
      returns: Sheep,
    }),
  },
  events: {
    "flock.counted": event({ doc: "A flock was counted: every subscribed client hears of it.", payload: Census }),
  },
});
