import { parseArgs } from "node:util";
import { loadAgainst } from "../breaking/against.js";
import { compareSchemas, type Finding } from "../breaking/compare.js";
import { RULE_IDS, RULES, type RuleId } from "../breaking/rules.js";
import { formatDiagnostics } from "../diagnostics.js";
import { diagnosticFormat, parse, PROJECT_HELP, PROJECT_OPTIONS, projectConfig, UsageError } from "./options.js";
import { type Io, readProject } from "./project.js";

export const BREAKING_HELP = `pseud breaking: tell a schema change that breaks deployed peers from one that does not

Usage: pseud breaking --against <ref> [options]

<ref> is a git revision (the schemas as they were there), a folder of schema
files, or an IR snapshot file (pseud gen --emit-ir <file>). Prints one line per
breaking change, file:line:col: RULE_ID: message, pointing at the new schema
(or the old one for a removal).

${PROJECT_HELP}
  --against <ref>            what to compare with (required)
  --ignore <RULE_ID>         let this rule pass; repeatable (the config's breaking.allow
                             does the same per subject, with a reason)
  --verbose                  list safe changes too

Rules:
${RULE_IDS.map((id) => `  ${id.padEnd(30)} ${RULES[id].breaking ? "breaking" : "safe    "}  ${RULES[id].why}`).join("\n")}

Exit codes: 0 compatible, 1 breaking, 2 usage or schema error.
`;

/** `pseud breaking`. */
export async function breakingCommand(args: readonly string[], io: Io): Promise<number> {
  const options = { ...PROJECT_OPTIONS, against: { type: "string" }, ignore: { type: "string", multiple: true }, verbose: { type: "boolean" } } as const;
  const { values } = parse(() => parseArgs({ args: [...args], options, strict: true }));
  if (values.help) {
    io.out(BREAKING_HELP);
    return 0;
  }
  if (values.against === undefined) throw new UsageError("--against <ref> is required");
  const ignored = new Set<string>(values.ignore ?? []);
  for (const id of ignored) if (!(RULE_IDS as string[]).includes(id)) throw new UsageError(`--ignore ${id}: no such rule (see pseud breaking --help)`);
  const format = diagnosticFormat(values.format);
  const config = projectConfig(io.cwd, values);

  const current = await readProject(config, io);
  if (!current.ok) {
    io.err(formatDiagnostics(current.diagnostics, format));
    io.err("pseud breaking: the schemas have mistakes\n");
    return 2;
  }
  const against = await loadAgainst(values.against, config);
  if (!against.ok) {
    if (against.diagnostics) io.err(formatDiagnostics(against.diagnostics, format));
    io.err(`pseud breaking: ${against.message}\n`);
    return 2;
  }

  const findings = compareSchemas(against.schema, current.schema).map((f) => ({ ...f, allowed: allowance(f, ignored, config.breaking.allow) }));
  const shown = findings.filter((f) => values.verbose || f.breaking);
  io.out(render(shown, format));
  const breaking = findings.filter((f) => f.breaking && f.allowed === undefined);
  const allowed = findings.filter((f) => f.breaking && f.allowed !== undefined).length;
  const safe = findings.filter((f) => !f.breaking).length;
  io.err(
    `pseud breaking: against ${against.described}: ${breaking.length} breaking change${breaking.length === 1 ? "" : "s"}` +
      `${allowed > 0 ? ` (${allowed} more allowed)` : ""}, ${safe} safe\n`,
  );
  return breaking.length > 0 ? 1 : 0;
}

type Judged = Finding & { readonly allowed: string | undefined };

/** Why a breaking finding is let through, if it is: --ignore, or an allow-list entry and its reason. */
function allowance(finding: Finding, ignored: ReadonlySet<string>, allow: readonly { rule: RuleId; subject?: string; reason: string }[]): string | undefined {
  if (!finding.breaking) return undefined;
  if (ignored.has(finding.rule)) return "--ignore";
  const entry = allow.find((a) => a.rule === finding.rule && (a.subject === undefined || a.subject === finding.subject || finding.subject.startsWith(`${a.subject}(`)));
  return entry?.reason;
}

function render(findings: readonly Judged[], format: "text" | "json" | "github"): string {
  const place = (f: Judged) => `${f.loc.file}:${f.loc.line}:${f.loc.column}`;
  const tag = (f: Judged) => (f.allowed !== undefined ? ` (allowed: ${f.allowed})` : f.breaking ? "" : " (safe)");
  switch (format) {
    case "json":
      return `${JSON.stringify(
        findings.map((f) => ({ ...f.loc, rule: f.rule, breaking: f.breaking, allowed: f.allowed ?? null, subject: f.subject, message: f.message })),
        null,
        2,
      )}\n`;
    case "github":
      return findings
        .map((f) => `::${f.breaking && f.allowed === undefined ? "error" : "notice"} file=${f.loc.file},line=${f.loc.line},col=${f.loc.column}::${f.rule}: ${f.message}${tag(f)}\n`)
        .join("");
    case "text":
      return findings.map((f) => `${place(f)}: ${f.rule}: ${f.message}${tag(f)}\n`).join("");
  }
}
