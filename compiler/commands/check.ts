import { parseArgs } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { formatDiagnostics } from "../diagnostics.js";
import { type Io, previouslyGenerated, readProject } from "./project.js";
import { diagnosticFormat, parse, PROJECT_HELP, PROJECT_OPTIONS, projectConfig } from "./options.js";

export const CHECK_HELP = `pseud check: fail when generated code has drifted from its schemas

Usage: pseud check [options]

Compares the output folder with what 'pseud gen' would write, and lists each
drifted, missing or extra file. Writes nothing. Run it in CI.

${PROJECT_HELP}

Exit codes: 0 up to date, 1 drift or schema mistakes, 2 usage or config error.
`;

/** `pseud check`. */
export async function checkCommand(args: readonly string[], io: Io): Promise<number> {
  const { values } = parse(() => parseArgs({ args: [...args], options: PROJECT_OPTIONS, strict: true }));
  if (values.help) {
    io.out(CHECK_HELP);
    return 0;
  }
  const format = diagnosticFormat(values.format);
  const config = projectConfig(io.cwd, values);
  const read = await readProject(config, io);
  if (!read.ok) {
    io.err(formatDiagnostics(read.diagnostics, format));
    io.err(`pseud check: ${read.diagnostics.length} schema mistake${read.diagnostics.length === 1 ? "" : "s"}\n`);
    return 1;
  }
  const outDir = join(config.root, config.out);
  const problems: string[] = [];
  for (const [name, content] of [...read.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(outDir, name);
    const shown = relative(io.cwd, path);
    if (!existsSync(path)) problems.push(`missing ${shown}: pseud gen would write it`);
    else if (readFileSync(path, "utf8") !== content) problems.push(`drifted ${shown}: differs from what pseud gen would write`);
  }
  for (const name of previouslyGenerated(outDir)) {
    if (!read.files.has(name)) problems.push(`extra ${relative(io.cwd, join(outDir, name))}: generated, but no schema produces it now`);
  }
  if (problems.length === 0) {
    io.out(`pseud check: ${read.files.size} generated file${read.files.size === 1 ? "" : "s"} up to date\n`);
    return 0;
  }
  io.err(problems.map((p) => `${p}\n`).join(""));
  io.err(`pseud check: ${problems.length} file${problems.length === 1 ? "" : "s"} out of date; run pseud gen\n`);
  return 1;
}
