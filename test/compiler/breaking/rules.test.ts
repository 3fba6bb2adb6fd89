import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSchemas, type Finding } from "../../../compiler/breaking/compare.js";
import { RULE_IDS } from "../../../compiler/breaking/rules.js";
import { readSchemas } from "../../../compiler/readers/read-schemas.js";
import { tempProject } from "../temp-project.js";
import { type Case, INTERFACE_CASES, ZOD_CASES } from "./cases.js";

const service = (i: number) => `c${String(i).padStart(2, "0")}`;

function interfaceSchema(cases: readonly Case[], side: "old" | "new"): string {
  const out = ['import type { Int } from "pseud-gen/schema";', ""];
  cases.forEach((c, i) => {
    const s = c[side];
    if (s.types) out.push(s.types);
    out.push(`/** @service ${service(i)} */`, `export interface S${service(i)} { ${s.methods ?? ""} }`);
    if (s.client !== undefined) out.push(`/** @clientMethods ${service(i)} */`, `export interface C${service(i)} { ${s.client} }`);
    if (s.events !== undefined) out.push(`/** @events ${service(i)} */`, `export interface E${service(i)} { ${s.events} }`);
    out.push("");
  });
  return out.join("\n");
}

function zodSchema(cases: readonly Case[], side: "old" | "new"): string {
  const out = ['import { z } from "zod";', 'import { event, method, service } from "pseud-gen/schema";', "", "const m = (params: Record<string, z.ZodType>, returns: z.ZodType) => method({ params, returns });", ""];
  cases.forEach((c, i) => {
    const s = c[side];
    if (s.types) out.push(s.types);
    out.push(`export const z${service(i)} = service("z${service(i)}", { methods: { ${s.methods ?? ""} }, clientMethods: { ${s.client ?? ""} }, events: { ${s.events ?? ""} } });`);
  });
  return `${out.join("\n")}\n`;
}

/** Reads both sides of every case once, and groups the findings by case. */
async function judge(cases: readonly Case[], write: (cases: readonly Case[], side: "old" | "new") => string, prefix: string) {
  const root = tempProject({ "old/schema.ts": write(cases, "old"), "new/schema.ts": write(cases, "new") });
  const old = await readSchemas([join(root, "old/schema.ts")], { root });
  const next = await readSchemas([join(root, "new/schema.ts")], { root });
  expect(old.diagnostics).toEqual([]);
  expect(next.diagnostics).toEqual([]);
  const findings = compareSchemas(old.schema, next.schema);
  return cases.map((c, i) => ({
    c,
    found: findings.filter((f: Finding) => f.subject === `${prefix}${service(i)}` || f.subject.startsWith(`${prefix}${service(i)}.`)),
  }));
}

describe("pseud breaking rules", async () => {
  const interfaceResults = await judge(INTERFACE_CASES, interfaceSchema, "");
  const zodResults = await judge(ZOD_CASES, zodSchema, "z");

  it.each(interfaceResults.map((r) => [r.c.name, r] as const))("interfaces: %s", (_name, { c, found }) => {
    expect(found.map((f) => f.rule).sort()).toEqual([...c.expect].sort());
  });

  it.each(zodResults.map((r) => [r.c.name, r] as const))("%s", (_name, { c, found }) => {
    expect(found.map((f) => f.rule).sort()).toEqual([...c.expect].sort());
  });

  it("covers every rule", () => {
    const covered = new Set([...INTERFACE_CASES, ...ZOD_CASES].flatMap((c) => c.expect));
    covered.add("SERVICE_REMOVED").add("SERVICE_ADDED"); // tested below
    expect(RULE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it("reports a removed service at the old schema and an added one at the new", async () => {
    const root = tempProject({
      "old.ts": "/** @service gone */\nexport interface Gone { f(): string }\n",
      "new.ts": "/** @service fresh */\nexport interface Fresh { f(): string }\n",
    });
    const old = await readSchemas([join(root, "old.ts")], { root });
    const next = await readSchemas([join(root, "new.ts")], { root });
    const findings = compareSchemas(old.schema, next.schema);
    expect(findings.map((f) => [f.rule, f.loc.file, f.breaking])).toEqual([
      ["SERVICE_ADDED", "new.ts", false],
      ["SERVICE_REMOVED", "old.ts", true],
    ]);
  });
});

describe("the README's schema evolution table", () => {
  it("lists every rule with its verdict", async () => {
    const { readFileSync } = await import("node:fs");
    const { RULES } = await import("../../../compiler/breaking/rules.js");
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    for (const id of RULE_IDS) expect(readme).toContain(`| \`${id}\` | ${RULES[id].breaking ? "breaking" : "safe"} |`);
  });
});
