import type { IrMethod, IrParam, IrSchema, IrType, SourceLocation } from "../ir/types.js";
import { RULES, type RuleId } from "./rules.js";
import { isSubtype } from "./subtype.js";

/** One difference between two schemas, judged by a rule. */
export interface Finding {
  readonly rule: RuleId;
  readonly breaking: boolean;
  /** Where: the new schema, or the old one for a removal. */
  readonly loc: SourceLocation;
  /** `greeter`, `greeter.hello`, or `greeter.hello(name)`. */
  readonly subject: string;
  readonly message: string;
}

/** Who calls a set of methods: a service's methods are called by its clients; client methods by the server. */
type Role = "server" | "client";

/**
 * Compares the schemas peers were built from (`old`) with the new ones, on
 * the IR, so Zod and interface schemas are judged alike. Sorted by place.
 */
export function compareSchemas(old: IrSchema, next: IrSchema): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: RuleId, loc: SourceLocation, subject: string, detail = "") =>
    findings.push({ rule, breaking: RULES[rule].breaking, loc, subject, message: `${subject}: ${detail}${RULES[rule].why}` });

  for (const service of old.services) {
    if (!next.services.some((s) => s.name === service.name)) add("SERVICE_REMOVED", service.loc, service.name);
  }
  for (const service of next.services) {
    const before = old.services.find((s) => s.name === service.name);
    if (before === undefined) {
      add("SERVICE_ADDED", service.loc, service.name);
      continue;
    }
    compareMethods(service.name, before.methods, service.methods, "server");
    compareMethods(service.name, before.clientMethods, service.clientMethods, "client");
  }
  return findings.sort((a, b) => (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.rule < b.rule ? -1 : 1)));

  function compareMethods(service: string, before: readonly IrMethod[], after: readonly IrMethod[], role: Role): void {
    const c = role === "client" ? "CLIENT_" : "";
    for (const m of before) {
      if (!after.some((n) => n.name === m.name)) add(`${c}METHOD_REMOVED` as RuleId, m.loc, `${service}.${m.name}`);
    }
    for (const n of after) {
      const m = before.find((o) => o.name === n.name);
      if (m === undefined) add(`${c}METHOD_ADDED` as RuleId, n.loc, `${service}.${n.name}`);
      else compareMethod(`${service}.${n.name}`, m, n, role);
    }
  }

  function compareMethod(subject: string, m: IrMethod, n: IrMethod, role: Role): void {
    const client = role === "client";
    const rule = (id: string) => `${client ? "CLIENT_" : ""}${id}` as RuleId;
    if (m.domain !== n.domain) add(rule("DOMAIN_CHANGED"), n.loc, subject, `domain ${m.domain} → ${n.domain}: `);
    compareParams(subject, m.params, n.params, n.loc, role);
    const verdict = compareTypes(m.returns, n.returns);
    if (verdict === "wider") add(rule("RETURN_TYPE_WIDENED"), n.loc, subject);
    else if (verdict === "narrower") add(rule("RETURN_TYPE_NARROWED"), n.loc, subject);
    else if (verdict === "unrelated") add(rule("RETURN_TYPE_CHANGED"), n.loc, subject);
    for (const error of n.errors) if (!m.errors.includes(error)) add(rule("ERROR_ADDED"), n.loc, subject, `${error}: `);
    for (const error of m.errors) if (!n.errors.includes(error)) add(rule("ERROR_REMOVED"), n.loc, subject, `${error}: `);
  }

  function compareParams(subject: string, before: readonly IrParam[], after: readonly IrParam[], loc: SourceLocation, role: Role): void {
    const client = role === "client";
    const rule = (id: string) => `${client ? "CLIENT_" : ""}${id}` as RuleId;
    const names = (ps: readonly IrParam[]) => ps.map((p) => p.name);
    const sameNames = before.length === after.length && [...names(before)].sort().join() === [...names(after)].sort().join();
    const reordered = sameNames && names(before).join() !== names(after).join();
    if (reordered) add(rule("PARAM_REORDERED"), loc, subject, `(${names(before).join(", ")}) → (${names(after).join(", ")}): `);
    const count = Math.max(before.length, after.length);
    for (let i = 0; i < count; i++) {
      const o = before[i];
      const p = reordered ? after.find((q) => q.name === o?.name) : after[i];
      const at = `${subject}(${(p ?? o)?.name ?? ""})`;
      if (o === undefined && p !== undefined) {
        add(client ? "CLIENT_PARAM_ADDED" : p.optional ? "PARAM_ADDED_OPTIONAL" : "PARAM_ADDED_REQUIRED", loc, at);
        continue;
      }
      if (o !== undefined && p === undefined) {
        add(client ? (o.optional ? "CLIENT_OPTIONAL_PARAM_REMOVED" : "CLIENT_PARAM_REMOVED") : "PARAM_REMOVED", loc, `${subject}(${o.name})`);
        continue;
      }
      if (o === undefined || p === undefined) continue;
      if (!reordered && o.name !== p.name) add(rule("PARAM_RENAMED"), loc, at, `${o.name} → ${p.name}: `);
      if (o.optional && !p.optional) add(rule("PARAM_MADE_REQUIRED"), loc, at);
      if (!o.optional && p.optional) add(rule("PARAM_MADE_OPTIONAL"), loc, at);
      const verdict = compareTypes(o.type, p.type);
      if (verdict === "wider") add(rule("PARAM_TYPE_WIDENED"), loc, at);
      else if (verdict === "narrower") add(rule("PARAM_TYPE_NARROWED"), loc, at);
      else if (verdict === "unrelated") add(rule("PARAM_TYPE_CHANGED"), loc, at);
    }
  }

  /** How the new type relates to the old one. */
  function compareTypes(before: IrType, after: IrType): "same" | "wider" | "narrower" | "unrelated" {
    const oldFitsNew = isSubtype({ type: before, schema: old }, { type: after, schema: next });
    const newFitsOld = isSubtype({ type: after, schema: next }, { type: before, schema: old });
    if (oldFitsNew && newFitsOld) return "same";
    if (oldFitsNew) return "wider";
    if (newFitsOld) return "narrower";
    return "unrelated";
  }
}
