import type { RuleId } from "../../../compiler/breaking/rules.js";

/**
 * One schema change and the rules it must trigger, nothing more. `types` are
 * named types the case declares (names prefixed per case); `client` bodies
 * are the methods clients offer back (`@clientMethods`); `events` the
 * events the server publishes (`@events`, or `event(...)` entries).
 */
export interface Case {
  readonly name: string;
  readonly old: { readonly methods?: string; readonly client?: string; readonly events?: string; readonly types?: string };
  readonly new: { readonly methods?: string; readonly client?: string; readonly events?: string; readonly types?: string };
  readonly expect: readonly RuleId[];
}

/** Cases in the interface format, one service each. */
export const INTERFACE_CASES: readonly Case[] = [
  { name: "nothing changes", old: { methods: "f(a: string): string;" }, new: { methods: "f(a: string): string;" }, expect: [] },
  { name: "method removed", old: { methods: "f(): string; g(): string;" }, new: { methods: "f(): string;" }, expect: ["METHOD_REMOVED"] },
  { name: "method renamed", old: { methods: "f(): string;" }, new: { methods: "h(): string;" }, expect: ["METHOD_REMOVED", "METHOD_ADDED"] },
  { name: "method added", old: { methods: "f(): string;" }, new: { methods: "f(): string; g(): string;" }, expect: ["METHOD_ADDED"] },
  { name: "required parameter added", old: { methods: "f(a: string): string;" }, new: { methods: "f(a: string, b: number): string;" }, expect: ["PARAM_ADDED_REQUIRED"] },
  { name: "optional parameter appended", old: { methods: "f(a: string): string;" }, new: { methods: "f(a: string, b?: number): string;" }, expect: ["PARAM_ADDED_OPTIONAL"] },
  { name: "parameter removed", old: { methods: "f(a: string, b: number): string;" }, new: { methods: "f(a: string): string;" }, expect: ["PARAM_REMOVED"] },
  { name: "parameters reordered", old: { methods: "f(a: string, b: number): string;" }, new: { methods: "f(b: number, a: string): string;" }, expect: ["PARAM_REORDERED"] },
  { name: "parameter renamed", old: { methods: "f(a: string): string;" }, new: { methods: "f(b: string): string;" }, expect: ["PARAM_RENAMED"] },
  {
    name: "required parameter inserted before an optional one",
    old: { methods: "f(a: string, b?: string): string;" },
    new: { methods: "f(a: string, c: string, b?: string): string;" },
    expect: ["PARAM_ADDED_REQUIRED", "PARAM_REORDERED"],
  },
  {
    name: "optional parameter inserted before another: positional callers shift",
    old: { methods: "f(a: string, b?: number): string;" },
    new: { methods: "f(a: string, c?: string, b?: number): string;" },
    expect: ["PARAM_ADDED_OPTIONAL", "PARAM_REORDERED"],
  },
  {
    name: "middle parameter removed",
    old: { methods: "f(a: string, b: number, c: boolean): string;" },
    new: { methods: "f(a: string, c: boolean): string;" },
    expect: ["PARAM_REMOVED", "PARAM_REORDERED"],
  },
  { name: "parameter renamed and retyped in its slot", old: { methods: "f(a: string, b: string): string;" }, new: { methods: "f(a: string, x: number): string;" }, expect: ["PARAM_RENAMED", "PARAM_TYPE_CHANGED"] },
  { name: "optional parameter made required", old: { methods: "f(a?: string): string;" }, new: { methods: "f(a: string): string;" }, expect: ["PARAM_MADE_REQUIRED"] },
  { name: "required parameter made optional", old: { methods: "f(a: string): string;" }, new: { methods: "f(a?: string): string;" }, expect: ["PARAM_MADE_OPTIONAL"] },
  { name: "literal removed from a parameter", old: { methods: `f(a: "x" | "y"): string;` }, new: { methods: `f(a: "x"): string;` }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "parameter field made required", old: { methods: "f(a: { x?: string }): string;" }, new: { methods: "f(a: { x: string }): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "number parameter made integer", old: { methods: "f(a: number): string;" }, new: { methods: "f(a: Int): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "array element narrowed", old: { methods: "f(a: (string | null)[]): string;" }, new: { methods: "f(a: string[]): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "record value narrowed", old: { methods: "f(a: Record<string, number>): string;" }, new: { methods: "f(a: Record<string, Int>): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "tuple element narrowed", old: { methods: "f(a: [string, number]): string;" }, new: { methods: "f(a: [string, Int]): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "parameter widened", old: { methods: "f(a: Int, b: \"x\"): string;" }, new: { methods: "f(a: number, b: \"x\" | \"y\" | null): string;" }, expect: ["PARAM_TYPE_WIDENED", "PARAM_TYPE_WIDENED"] },
  { name: "parameter changed to an unrelated type", old: { methods: "f(a: string): string;" }, new: { methods: "f(a: boolean): string;" }, expect: ["PARAM_TYPE_CHANGED"] },
  { name: "return can be null now", old: { methods: "f(): string;" }, new: { methods: "f(): string | null;" }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "return gains a union member", old: { methods: `f(): "a" | "b";` }, new: { methods: `f(): "a" | "b" | "c";` }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "return field made optional", old: { methods: "f(): { x: string };" }, new: { methods: "f(): { x?: string };" }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "return field removed", old: { methods: "f(): { x: string; y: number };" }, new: { methods: "f(): { y: number };" }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "return narrowed", old: { methods: "f(): string | null;" }, new: { methods: "f(): string;" }, expect: ["RETURN_TYPE_NARROWED"] },
  { name: "return changed to an unrelated type", old: { methods: "f(): string;" }, new: { methods: "f(): number;" }, expect: ["RETURN_TYPE_CHANGED"] },
  { name: "void return stays void", old: { methods: "f(): void;" }, new: { methods: "f(): Promise<void>;" }, expect: [] },
  { name: "method moved to another domain", old: { methods: "f(): string;" }, new: { methods: "\n  /** @domain admin */\n  f(): string;" }, expect: ["DOMAIN_CHANGED"] },
  {
    name: "declared error added and another removed",
    old: { methods: "\n  /** @errors KeyError */\n  f(): string;" },
    new: { methods: "\n  /** @errors ValueError */\n  f(): string;" },
    expect: ["ERROR_ADDED", "ERROR_REMOVED"],
  },
  {
    name: "named type changed under a method that did not",
    old: { methods: "f(a: T1Item): T1Item;", types: "export interface T1Item { id: Int; name?: string }" },
    new: { methods: "f(a: T1Item): T1Item;", types: "export interface T1Item { id: Int; name: string }" },
    expect: ["PARAM_TYPE_NARROWED", "RETURN_TYPE_NARROWED"],
  },
  {
    name: "recursive type unchanged",
    old: { methods: "f(t: T2Tree): T2Tree;", types: "export interface T2Tree { label: string; children: T2Tree[] }" },
    new: { methods: "f(t: T2Tree): T2Tree;", types: "export interface T2Tree { label: string; children: T2Tree[] }" },
    expect: [],
  },
  {
    name: "recursive type widened deep inside",
    old: { methods: "f(): T3Tree;", types: "export interface T3Tree { label: string; children: T3Tree[] }" },
    new: { methods: "f(): T3Tree;", types: "export interface T3Tree { label: string | null; children: T3Tree[] }" },
    expect: ["RETURN_TYPE_WIDENED"],
  },
  {
    name: "inline type replaced by an equal named one",
    old: { methods: "f(a: { x: string }): string;" },
    new: { methods: "f(a: T4Named): string;", types: "export interface T4Named { x: string }" },
    expect: [],
  },
  // Constraints: a parameter that accepts less narrows, a result that may be more widens.
  { name: "string parameter given a minimum length", old: { methods: "f(a: string): string;" }, new: { methods: "f(/** @minLength 3 */ a: string): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  {
    name: "string parameter's maximum length raised",
    old: { methods: "f(/** @maxLength 5 */ a: string): string;" },
    new: { methods: "f(/** @maxLength 10 */ a: string): string;" },
    expect: ["PARAM_TYPE_WIDENED"],
  },
  { name: "parameter pattern replaced", old: { methods: "f(/** @pattern ^a */ a: string): string;" }, new: { methods: "f(/** @pattern ^b */ a: string): string;" }, expect: ["PARAM_TYPE_CHANGED"] },
  { name: "parameter format added", old: { methods: "f(a: string): string;" }, new: { methods: "f(/** @format email */ a: string): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  {
    name: "number parameter's minimum made exclusive",
    old: { methods: "f(/** @minimum 0 */ a: number): string;" },
    new: { methods: "f(/** @exclusiveMinimum 0 */ a: number): string;" },
    expect: ["PARAM_TYPE_NARROWED"],
  },
  { name: "integer parameter's maximum raised", old: { methods: "f(/** @maximum 10 */ a: Int): string;" }, new: { methods: "f(/** @maximum 100 */ a: Int): string;" }, expect: ["PARAM_TYPE_WIDENED"] },
  { name: "multipleOf added to a parameter", old: { methods: "f(a: number): string;" }, new: { methods: "f(/** @multipleOf 5 */ a: number): string;" }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "array parameter's minimum size dropped", old: { methods: "f(/** @minItems 1 */ a: string[]): string;" }, new: { methods: "f(a: string[]): string;" }, expect: ["PARAM_TYPE_WIDENED"] },
  { name: "enum parameter reordered", old: { methods: `f(a: "x" | "y"): string;` }, new: { methods: `f(a: "y" | "x"): string;` }, expect: [] },
  { name: "result's maximum length raised", old: { methods: "\n  /** @maxLength 5 */\n  f(): string;" }, new: { methods: "\n  /** @maxLength 10 */\n  f(): string;" }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "result given a pattern", old: { methods: "f(): string;" }, new: { methods: "\n  /** @pattern ^[a-z]+$ */\n  f(): string;" }, expect: ["RETURN_TYPE_NARROWED"] },
  { name: "result's uuid format narrowed to v4", old: { methods: "\n  /** @format uuid */\n  f(): string;" }, new: { methods: "\n  /** @format uuidv4 */\n  f(): string;" }, expect: ["RETURN_TYPE_NARROWED"] },
  // Defaults: a default makes a parameter optional for callers; its value is the server's business, not the wire's.
  { name: "default added to a required parameter", old: { methods: "f(a: number): string;" }, new: { methods: "f(/** @default 5 */ a?: number): string;" }, expect: ["PARAM_MADE_OPTIONAL"] },
  { name: "default changed", old: { methods: "f(/** @default 5 */ a?: number): string;" }, new: { methods: "f(/** @default 7 */ a?: number): string;" }, expect: [] },
  { name: "default dropped, parameter made required", old: { methods: "f(/** @default 5 */ a?: number): string;" }, new: { methods: "f(a: number): string;" }, expect: ["PARAM_MADE_REQUIRED"] },
  // Client methods: the new server calls old clients, so the roles swap.
  { name: "client method added", old: { client: "c(): string;" }, new: { client: "c(): string; d(): string;" }, expect: ["CLIENT_METHOD_ADDED"] },
  { name: "client method removed", old: { client: "c(): string; d(): string;" }, new: { client: "c(): string;" }, expect: ["CLIENT_METHOD_REMOVED"] },
  { name: "client parameter added", old: { client: "c(a: string): string;" }, new: { client: "c(a: string, b?: string): string;" }, expect: ["CLIENT_PARAM_ADDED"] },
  { name: "client required parameter removed", old: { client: "c(a: string, b: string): string;" }, new: { client: "c(a: string): string;" }, expect: ["CLIENT_PARAM_REMOVED"] },
  { name: "client optional parameter removed", old: { client: "c(a: string, b?: string): string;" }, new: { client: "c(a: string): string;" }, expect: ["CLIENT_OPTIONAL_PARAM_REMOVED"] },
  {
    name: "client parameter inserted before an optional one",
    old: { client: "c(a: string, b?: string): string;" },
    new: { client: "c(a: string, x: string, b?: string): string;" },
    expect: ["CLIENT_PARAM_ADDED", "CLIENT_PARAM_REORDERED"],
  },
  { name: "client parameter renamed", old: { client: "c(a: string): string;" }, new: { client: "c(b: string): string;" }, expect: ["CLIENT_PARAM_RENAMED"] },
  { name: "client parameters reordered", old: { client: "c(a: string, b: Int): string;" }, new: { client: "c(b: Int, a: string): string;" }, expect: ["CLIENT_PARAM_REORDERED"] },
  { name: "client parameter made required", old: { client: "c(a?: string): string;" }, new: { client: "c(a: string): string;" }, expect: ["CLIENT_PARAM_MADE_REQUIRED"] },
  { name: "client parameter made optional", old: { client: "c(a: string): string;" }, new: { client: "c(a?: string): string;" }, expect: ["CLIENT_PARAM_MADE_OPTIONAL"] },
  { name: "client parameter narrowed", old: { client: "c(a: number): string;" }, new: { client: "c(a: Int): string;" }, expect: ["CLIENT_PARAM_TYPE_NARROWED"] },
  { name: "client parameter widened", old: { client: "c(a: Int): string;" }, new: { client: "c(a: number): string;" }, expect: ["CLIENT_PARAM_TYPE_WIDENED"] },
  { name: "client parameter changed", old: { client: "c(a: Int): string;" }, new: { client: "c(a: string): string;" }, expect: ["CLIENT_PARAM_TYPE_CHANGED"] },
  { name: "client return widened", old: { client: "c(): string;" }, new: { client: "c(): string | null;" }, expect: ["CLIENT_RETURN_TYPE_WIDENED"] },
  { name: "client return narrowed", old: { client: "c(): string | null;" }, new: { client: "c(): string;" }, expect: ["CLIENT_RETURN_TYPE_NARROWED"] },
  { name: "client return changed", old: { client: "c(): string;" }, new: { client: "c(): Date;" }, expect: ["CLIENT_RETURN_TYPE_CHANGED"] },
  { name: "client method moved to another domain", old: { client: "c(): string;" }, new: { client: "\n  /** @domain ops */\n  c(): string;" }, expect: ["CLIENT_DOMAIN_CHANGED"] },
  { name: "client parameter given a maximum", old: { client: "c(a: number): string;" }, new: { client: "c(/** @maximum 9 */ a: number): string;" }, expect: ["CLIENT_PARAM_TYPE_NARROWED"] },
  { name: "client parameter's pattern dropped", old: { client: "c(/** @pattern ^a */ a: string): string;" }, new: { client: "c(a: string): string;" }, expect: ["CLIENT_PARAM_TYPE_WIDENED"] },
  { name: "client result's length bound dropped", old: { client: "\n  /** @maxLength 5 */\n  c(): string;" }, new: { client: "c(): string;" }, expect: ["CLIENT_RETURN_TYPE_WIDENED"] },
  { name: "client result given a minimum", old: { client: "c(): number;" }, new: { client: "\n  /** @minimum 0 */\n  c(): number;" }, expect: ["CLIENT_RETURN_TYPE_NARROWED"] },
  {
    name: "client declared errors changed",
    old: { client: "\n  /** @errors KeyError */\n  c(): string;" },
    new: { client: "\n  /** @errors ValueError */\n  c(): string;" },
    expect: ["CLIENT_ERROR_ADDED", "CLIENT_ERROR_REMOVED"],
  },
  { name: "event removed", old: { methods: "f(): string;", events: "a: string; b: string;" }, new: { methods: "f(): string;", events: "a: string;" }, expect: ["EVENT_REMOVED"] },
  { name: "event added", old: { methods: "f(): string;", events: "a: string;" }, new: { methods: "f(): string;", events: "a: string; b: number;" }, expect: ["EVENT_ADDED"] },
  { name: "event payload made nullable", old: { methods: "f(): string;", events: "a: string;" }, new: { methods: "f(): string;", events: "a: string | null;" }, expect: ["EVENT_PAYLOAD_WIDENED"] },
  { name: "event payload narrowed", old: { methods: "f(): string;", events: '"a.b": "x" | "y";' }, new: { methods: "f(): string;", events: '"a.b": "x";' }, expect: ["EVENT_PAYLOAD_NARROWED"] },
  { name: "event payload changed", old: { methods: "f(): string;", events: "a: string;" }, new: { methods: "f(): string;", events: "a: number;" }, expect: ["EVENT_PAYLOAD_CHANGED"] },
];

/** The same kinds of change written as Zod schemas: the format does not matter. */
export const ZOD_CASES: readonly Case[] = [
  { name: "zod: method removed", old: { methods: `f: m({}, z.string()), g: m({}, z.string())` }, new: { methods: `f: m({}, z.string())` }, expect: ["METHOD_REMOVED"] },
  { name: "zod: required parameter added", old: { methods: `f: m({ a: z.string() }, z.string())` }, new: { methods: `f: m({ a: z.string(), b: z.number() }, z.string())` }, expect: ["PARAM_ADDED_REQUIRED"] },
  { name: "zod: optional parameter appended", old: { methods: `f: m({ a: z.string() }, z.string())` }, new: { methods: `f: m({ a: z.string(), b: z.number().optional() }, z.string())` }, expect: ["PARAM_ADDED_OPTIONAL"] },
  { name: "zod: enum member removed", old: { methods: `f: m({ a: z.enum(["x", "y"]) }, z.string())` }, new: { methods: `f: m({ a: z.enum(["x"]) }, z.string())` }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "zod: return made nullable", old: { methods: `f: m({}, z.string())` }, new: { methods: `f: m({}, z.string().nullable())` }, expect: ["RETURN_TYPE_WIDENED"] },
  {
    name: "zod: named type field made required",
    old: { methods: `f: m({ a: Z1Item }, z.string())`, types: `export const Z1Item = z.object({ id: z.number().int(), name: z.string().optional() });` },
    new: { methods: `f: m({ a: Z1Item }, z.string())`, types: `export const Z1Item = z.object({ id: z.number().int(), name: z.string() });` },
    expect: ["PARAM_TYPE_NARROWED"],
  },
  { name: "zod: string parameter's minimum raised", old: { methods: `f: m({ a: z.string().min(1) }, z.string())` }, new: { methods: `f: m({ a: z.string().min(3) }, z.string())` }, expect: ["PARAM_TYPE_NARROWED"] },
  { name: "zod: int32 parameter made any integer", old: { methods: `f: m({ a: z.int32() }, z.string())` }, new: { methods: `f: m({ a: z.number().int() }, z.string())` }, expect: ["PARAM_TYPE_WIDENED"] },
  { name: "zod: result given a regex", old: { methods: `f: m({}, z.string())` }, new: { methods: `f: m({}, z.string().regex(/^a/))` }, expect: ["RETURN_TYPE_NARROWED"] },
  { name: "zod: result array may be longer", old: { methods: `f: m({}, z.array(z.string()).max(3))` }, new: { methods: `f: m({}, z.array(z.string()).max(9))` }, expect: ["RETURN_TYPE_WIDENED"] },
  { name: "zod: default changed", old: { methods: `f: m({ a: z.number().default(50) }, z.string())` }, new: { methods: `f: m({ a: z.number().default(20) }, z.string())` }, expect: [] },
  { name: "zod: client method added", old: { client: `c: m({}, z.string())` }, new: { client: `c: m({}, z.string()), d: m({}, z.string())` }, expect: ["CLIENT_METHOD_ADDED"] },
  { name: "zod: event payload field made optional", old: { events: `e: event({ payload: z.object({ a: z.string() }) })` }, new: { events: `e: event({ payload: z.object({ a: z.string().optional() }) })` }, expect: ["EVENT_PAYLOAD_WIDENED"] },
];
