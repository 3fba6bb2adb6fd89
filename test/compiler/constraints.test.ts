import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CallContext, type Server, ValidationError } from "pseud";
import { generate } from "../../compiler/generate.js";
import { type Constraint, constrain } from "../../compiler/ir/constraints.js";
import { readSnapshot, writeSnapshot } from "../../compiler/ir/snapshot.js";
import { type IrType, STRING_FORMATS } from "../../compiler/ir/types.js";
import { readSchemas } from "../../compiler/readers/read-schemas.js";
import { type KitchenSinkHandlers, registerKitchenSinkServer } from "./golden/out/kitchen.sink.js";
import { runCli, tempProject } from "./temp-project.js";

/** The golden server's registrations, called as the dispatcher would: (context, ...wire arguments). */
function goldenServer() {
  const registered = new Map<string, (context: CallContext, ...args: unknown[]) => unknown>();
  const server = { register: (name: string, handler: (context: CallContext, ...args: unknown[]) => unknown) => registered.set(name, handler) };
  const received: unknown[][] = [];
  const handlers: KitchenSinkHandlers = {
    envelopeSend: () => "",
    treeWalk: () => null,
    nothing: () => {},
    mixedUnion: () => 1,
    search: (...args) => {
      received.push(args.slice(0, -1));
      return [];
    },
  };
  registerKitchenSinkServer(server as unknown as Server, handlers);
  const search = (...args: unknown[]) => (registered.get("search") as (context: CallContext, ...args: unknown[]) => unknown)({} as CallContext, ...args);
  return { search, received };
}

const GOOD = ["hello world", "1234", "0f8fad5b-d9cb-469f-a165-70867728950e", "2026-01-02T03:04:05Z", 0.25, 8080, ["red"], ["a", "b"], "a@b.org", {}];

describe("generated validators enforce the schema's constraints and defaults", () => {
  it("fill in defaults: a parameter or field left out reaches the handler with its default", () => {
    const { search, received } = goldenServer();
    search(...GOOD);
    expect(received).toEqual([[...GOOD.slice(0, -1), { size: 20, cursor: null, order: "newest" }, 50, "score"]]);
    search(...GOOD.slice(0, -1), { size: 7 }, 3, "date");
    expect(received[1]?.slice(-3)).toEqual([{ size: 7, cursor: null, order: "newest" }, 3, "date"]);
  });

  it.each([
    ["query", 0, "ab", "Too small"],
    ["query", 0, "abc1", "Invalid string"],
    ["code", 1, "12345", "Too big"],
    ["id", 2, "not-a-uuid", "Invalid UUID"],
    ["since", 3, "yesterday", "Invalid ISO datetime"],
    ["ratio", 4, 0.07, "multiple of 0.05"],
    ["ratio", 4, 1, "<1"],
    ["port", 5, -1, ">=0"],
    ["tags", 6, [], "Too small"],
    ["tags", 6, ["pink"], 'expected one of "red"|"green"|"blue"'],
    ["pair", 7, ["a"], "Too small"],
    ["to", 8, "nobody", "Invalid email"],
    ["page", 9, { size: 0 }, ">0"],
    ["limit", 10, 101, "<=100"],
    ["sort", 11, "size", 'expected one of "score"|"date"'],
  ])("refuse a bad %s (%#)", (name, index, value, says) => {
    const { search, received } = goldenServer();
    const args = [...GOOD, 50, "score"];
    args[index] = value;
    const error = (() => {
      try {
        search(...args);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(`argument '${name}'`);
    expect((error as ValidationError).message).toContain(says);
    expect(received).toEqual([]);
  });
});

const ZOD_SHOP = `import { z } from "zod";
import { method, service } from "pseud-gen/schema";

export const Email = z.email();
export const Level = z.enum(["low", "high"]);
export const Item = z.object({
  name: z.string().min(1).max(40).regex(/^[A-Za-z ]+$/),
  code: z.string().regex(/^x\\/y/i),
  count: z.number().int().gte(0).lte(10),
  ratio: z.number().gt(0).lt(1).multipleOf(0.1),
  tags: z.array(z.string()).min(1).max(5),
  level: Level.default("low"),
  mood: z.enum(["calm", "busy"]).optional(),
  note: z.string().min(2).nullable().optional(),
});
export const shop = service("shop", {
  methods: {
    find: method({
      params: { q: z.string().min(3), at: z.iso.datetime(), limit: z.number().int().min(1).default(50), who: Email.optional() },
      returns: z.array(Item).max(10),
    }),
  },
});
`;

const INTERFACE_SHOP = `import type { Int } from "pseud-gen/schema";

/** @format email */
export type Email = string;
export type Level = "low" | "high";
export interface Item {
  /** @minLength 1 @maxLength 40 @pattern ^[A-Za-z ]+$ */
  name: string;
  /** @pattern /^x\\/y/i */
  code: string;
  /** @minimum 0 @maximum 10 */
  count: Int;
  /** @exclusiveMinimum 0 @exclusiveMaximum 1 @multipleOf 0.1 */
  ratio: number;
  /** @minItems 1 @maxItems 5 */
  tags: string[];
  /** @default "low" */
  level?: Level;
  mood?: "calm" | "busy";
  /** @minLength 2 */
  note?: string | null;
}

/** @service shop */
export interface Shop {
  /** @maxItems 10 */
  find(/** @minLength 3 */ q: string, /** @format datetime */ at: string, /** @minimum 1 @default 50 */ limit?: Int, who?: Email): Item[];
}
`;

describe("constrain", () => {
  it("keeps the tighter of two bounds, whatever order they come in, and refuses what does not apply", () => {
    const number: IrType = { kind: "primitive", name: "number" };
    const apply = (type: IrType, ...cs: Constraint[]) => cs.reduce<IrType | string>((t, c) => (typeof t === "string" ? t : constrain(t, c)), type);
    const inclusive: Constraint = { kind: "min", bound: { value: 0, exclusive: false } };
    const exclusive: Constraint = { kind: "min", bound: { value: 0, exclusive: true } };
    const expected = { kind: "primitive", name: "number", constraints: { min: { value: 0, exclusive: true } } };
    expect(apply(number, inclusive, exclusive)).toEqual(expected);
    expect(apply(number, exclusive, inclusive)).toEqual(expected);
    expect(apply(number, { kind: "max", bound: { value: 9, exclusive: false } }, { kind: "max", bound: { value: 3, exclusive: false } })).toEqual({
      kind: "primitive",
      name: "number",
      constraints: { max: { value: 3, exclusive: false } },
    });
    expect(apply(number, { kind: "minLength", value: 1 })).toBe("applies to strings only");
    expect(apply({ kind: "primitive", name: "string" }, { kind: "format", format: "email" }, { kind: "format", format: "uuid" })).toBe("a string has one format, not email and uuid");
  });
});

const withoutLocations = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === "loc" ? undefined : v)));

describe("constraints and defaults in both schema formats", () => {
  it("give the same IR and the same generated code", async () => {
    const root = tempProject({ "zod/shop.ts": ZOD_SHOP, "interface/shop.ts": INTERFACE_SHOP });
    const zod = await readSchemas([join(root, "zod/shop.ts")], { root });
    const interfaces = await readSchemas([join(root, "interface/shop.ts")], { root });
    expect(zod.diagnostics).toEqual([]);
    expect(interfaces.diagnostics).toEqual([]);
    expect(withoutLocations(interfaces.schema)).toEqual(withoutLocations(zod.schema));
    const item = zod.schema.types.find((t) => t.name === "Item")?.type;
    expect(item?.kind === "object" && item.fields.map((f) => [f.name, f.default])).toContainEqual(["level", `"low"`]);
    const zodFiles = generate(zod.schema, ".js");
    for (const [name, text] of generate(interfaces.schema, ".js")) expect(text.replace("interface/shop.ts", "zod/shop.ts")).toBe(zodFiles.get(name));
  });

  it("survive an IR snapshot, and a version 1 snapshot (before them) still reads", async () => {
    const root = tempProject({ "zod/shop.ts": ZOD_SHOP });
    const { schema } = await readSchemas([join(root, "zod/shop.ts")], { root });
    const read = readSnapshot(writeSnapshot(schema));
    expect(read).toEqual({ ok: true, schema });
    const v1 = { pseudIr: 1, schema: { services: [], types: [{ name: "T", type: { kind: "primitive", name: "string" }, doc: null, loc: { file: "a.ts", line: 1, column: 1 } }] } };
    expect(readSnapshot(JSON.stringify(v1))).toMatchObject({ ok: true, schema: { types: [{ name: "T" }] } });
  });
});

const FORMATS = STRING_FORMATS.join(", ");

describe("what the IR cannot carry", () => {
  it("is a diagnostic at the Zod call that wrote it, never dropped", async () => {
    const root = tempProject({
      "schemas/bad.ts": [
        'import { z } from "zod";',
        'import { method, service } from "pseud-gen/schema";',
        "export const Bad = z.object({",
        "  a: z.string().refine((s) => s.length > 1),",
        "  b: z.string().transform((s) => s.length),",
        '  c: z.string().startsWith("x"),',
        "  d: z.number().default(() => 5),",
        "  e: z.date().default(new Date(0)),",
        "  f: z.email({ pattern: /@x$/ }),",
        '  g: z.string().min(3, "too short"),',
        "  h: z.strictObject({ x: z.string() }),",
        "  i: z.custom<string>(() => true),",
        "  j: z.bigint().min(1n),",
        "});",
        'export const svc = service("svc", {',
        "  methods: { m: method({ params: { p: z.string().trim() }, returns: z.string().superRefine(() => {}) }) },",
        "});",
        "",
      ].join("\n"),
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr.split("\n")).toEqual([
      "schemas/bad.ts:4:17: type Bad, field a: refinements (.refine, .superRefine, .check with a function) cannot be carried to generated validators; use the checks Zod names (.min, .regex, .email…) or check in the handler",
      "schemas/bad.ts:5:17: type Bad, field b: transforms and pipes cannot be carried to generated validators: they check the wire value, as the schema describes it",
      `schemas/bad.ts:6:17: type Bad, field c: string format starts_with is not supported (supported: ${FORMATS}); use .regex() for a pattern`,
      "schemas/bad.ts:7:17: a default must be a value written in the schema, not a function: generated validators carry the value",
      "schemas/bad.ts:8:15: type Bad, field e: a default must be a JSON value: a string, a finite number, a boolean, null, or arrays and plain objects of them",
      "schemas/bad.ts:9:8: type Bad, field f: this email check has options the generated validator cannot carry; use z.email() as it is, or .regex()",
      "schemas/bad.ts:10:17: type Bad, field g: custom error messages are not carried to generated validators: remove it (they report Zod's own message)",
      "schemas/bad.ts:11:8: type Bad, field h: strict, loose and catchall objects are not supported: generated validators drop unknown keys, as z.object() does",
      "schemas/bad.ts:12:8: type Bad, field i: custom types are not supported; for bytes use bytes() from pseud-gen/schema",
      "schemas/bad.ts:13:17: type Bad, field j: bounds on bigint values are not supported",
      "schemas/bad.ts:16:50: parameter p of m: transforms (.trim, .toLowerCase, .overwrite…) cannot be carried to generated validators: they check the wire value, as the schema describes it",
      "schemas/bad.ts:16:80: return type of m: refinements (.refine, .superRefine, .check with a function) cannot be carried to generated validators; use the checks Zod names (.min, .regex, .email…) or check in the handler",
      "pseud gen: 12 schema mistakes; nothing written",
      "",
    ]);
  });

  it("is a diagnostic for a bad TSDoc tag, at the tag; a default or range no value fits, at the method", async () => {
    const root = tempProject({
      "schemas/bad.ts": [
        "/** @service svc */",
        "export interface Svc {",
        "  f(",
        "    /** @minLength x */ a: string,",
        "    /** @minimum 1 */ b: string,",
        "    /** @default 5 */ c: number,",
        "    /** @pattern ( */ d: string,",
        "    /** @format emial */ e: string,",
        "    /** @minlength 3 */ g: string,",
        '    /** @default "x" */ h?: number,',
        "    /** @minimum 5 @maximum 1 */ i?: number,",
        "    /** @default {nope} */ j?: number,",
        "  ): string;",
        "}",
        "",
      ].join("\n"),
    });
    const { code, stderr } = await runCli(root, ["gen"]);
    expect(code).toBe(1);
    expect(stderr.split("\n")).toEqual([
      `schemas/bad.ts:3:3: parameter h of f: default "x" is not a value of its type`,
      "schemas/bad.ts:3:3: parameter i of f: no value fits: no number is >= 5 and <= 1",
      `schemas/bad.ts:4:9: parameter a of f: @minLength: needs a whole number of 0 or more, not "x"`,
      "schemas/bad.ts:5:9: parameter b of f: @minimum: applies to numbers only",
      "schemas/bad.ts:6:9: parameter c of f: @default: a parameter with a default may be left out: mark it optional (name?: T)",
      "schemas/bad.ts:7:9: parameter d of f: @pattern: not a regular expression: Invalid regular expression: /(/: Unterminated group",
      `schemas/bad.ts:8:9: parameter e of f: @format: unknown format "emial" (formats: ${FORMATS})`,
      "schemas/bad.ts:9:9: parameter g of f: @minlength: unknown tag; did you mean @minLength?",
      expect.stringMatching(/^schemas\/bad\.ts:12:9: parameter j of f: @default: "\{nope\}" is not a JSON value \(.+\)$/), // the JSON error's words are Node's
      "pseud gen: 9 schema mistakes; nothing written",
      "",
    ]);
  });
});
