import type { IrEvent, IrMethod, IrParam, IrSchema, IrType, SourceLocation } from "../ir/types.js";
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
    compareEvents(service.name, before.events, service.events);
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

  /** Events flow from the new server to old subscribers: their payloads are judged as results. */
  function compareEvents(service: string, before: readonly IrEvent[], after: readonly IrEvent[]): void {
    for (const e of before) if (!after.some((n) => n.name === e.name)) add("EVENT_REMOVED", e.loc, `${service}.${e.name}`);
    for (const n of after) {
      const e = before.find((o) => o.name === n.name);
      const subject = `${service}.${n.name}`;
      if (e === undefined) {
        add("EVENT_ADDED", n.loc, subject);
        continue;
      }
      const verdict = compareTypes(e.payload, n.payload);
      if (verdict === "wider") add("EVENT_PAYLOAD_WIDENED", n.loc, subject);
      else if (verdict === "narrower") add("EVENT_PAYLOAD_NARROWED", n.loc, subject);
      else if (verdict === "unrelated") add("EVENT_PAYLOAD_CHANGED", n.loc, subject);
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

  /**
   * Parameters are matched by name first: a name in both versions is one
   * parameter, wherever it sits. Old and new parameters left unmatched are
   * then paired by position (one slot renamed); the rest were removed or
   * added. A kept parameter at another position is PARAM_REORDERED, once per
   * method: positional callers' arguments land in another slot. So each
   * changed slot gives one finding, not one per consequence.
   */
  function compareParams(subject: string, before: readonly IrParam[], after: readonly IrParam[], loc: SourceLocation, role: Role): void {
    const client = role === "client";
    const rule = (id: string) => `${client ? "CLIENT_" : ""}${id}` as RuleId;
    const names = (ps: readonly IrParam[]) => ps.map((p) => p.name).join(", ");
    const kept = before.filter((o) => after.some((p) => p.name === o.name));
    const unmatchedOld = before.filter((o) => !kept.includes(o));
    const unmatchedNew = after.filter((p) => !before.some((o) => o.name === p.name));
    if (kept.some((o) => before.indexOf(o) !== after.findIndex((p) => p.name === o.name)))
      add(rule("PARAM_REORDERED"), loc, subject, `(${names(before)}) → (${names(after)}): `);
    for (const o of kept) compareParam(o, after.find((p) => p.name === o.name) as IrParam);
    for (const o of unmatchedOld) {
      const p = unmatchedNew.find((q) => after.indexOf(q) === before.indexOf(o));
      if (p === undefined) {
        add(client ? (o.optional ? "CLIENT_OPTIONAL_PARAM_REMOVED" : "CLIENT_PARAM_REMOVED") : "PARAM_REMOVED", loc, `${subject}(${o.name})`);
        continue;
      }
      add(rule("PARAM_RENAMED"), loc, `${subject}(${p.name})`, `${o.name} → ${p.name}: `);
      compareParam(o, p);
    }
    for (const p of unmatchedNew) {
      if (unmatchedOld.some((o) => before.indexOf(o) === after.indexOf(p))) continue; // a renamed slot, judged above
      add(client ? "CLIENT_PARAM_ADDED" : p.optional ? "PARAM_ADDED_OPTIONAL" : "PARAM_ADDED_REQUIRED", loc, `${subject}(${p.name})`);
    }

    /** One parameter in both versions (by name, or by slot when renamed). */
    function compareParam(o: IrParam, p: IrParam): void {
      const at = `${subject}(${p.name})`;
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
