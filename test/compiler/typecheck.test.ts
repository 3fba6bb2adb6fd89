import { join } from "node:path";
import { Project } from "ts-morph";
import { describe, expect, it } from "vitest";
import { REPO } from "./temp-project.js";

const OK = "test/compiler/fixtures/usage-ok.ts";
const BAD = "test/compiler/fixtures/usage-bad.ts";
const GOLDEN = "test/compiler/golden/out/kitchen.sink.ts";

/**
 * The three files type-checked together, once, with the repository's strict
 * tsconfig (TypeScript as bundled by ts-morph: the pinned version): one
 * program binds the runtime, zod and the libraries once for all of them.
 * Each diagnostic is filed under the file it is in; those in the generated
 * code the three import are filed under `usage-ok`.
 */
const diagnostics = (() => {
  let byFile: Map<string, { line: number; message: string }[]> | undefined;
  return (file: string) => {
    if (byFile === undefined) {
      const project = new Project({ tsConfigFilePath: join(REPO, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
      for (const f of [OK, BAD, GOLDEN]) project.addSourceFileAtPath(join(REPO, f));
      project.resolveSourceFileDependencies();
      byFile = new Map([OK, BAD, GOLDEN].map((f) => [f, []]));
      // The three files and the generated code they use, each checked on its own; the runtime's sources are
      // type-checked by \`npm run typecheck\`, not again here.
      const generated = project.getSourceFiles().filter((sf) => sf.getFilePath().startsWith(join(REPO, "generated")));
      for (const source of [...[OK, BAD, GOLDEN].map((f) => project.getSourceFileOrThrow(join(REPO, f))), ...generated]) {
        const own = [BAD, GOLDEN].find((f) => source.getFilePath() === join(REPO, f));
        for (const d of source.getPreEmitDiagnostics()) {
          byFile.get(own ?? OK)?.push({
            line: d.getLineNumber() ?? 0,
            message: `${own === undefined && source.getFilePath() !== join(REPO, OK) ? `${source.getBaseName()}: ` : ""}${flatten(d.getMessageText())}`,
          });
        }
      }
    }
    return byFile.get(file) ?? [];
  };
})();

function flatten(text: string | { getMessageText(): string; getNext(): unknown[] | undefined }): string {
  if (typeof text === "string") return text;
  const next = (text.getNext() ?? []) as (typeof text)[];
  return [text.getMessageText(), ...next.map(flatten)].join(" ");
}

describe("generated code under strict TypeScript", () => {
  it("compiles, with a usage file that implements and calls it", () => {
    expect(diagnostics(OK)).toEqual([]);
  }, 60_000);

  it("compiles the golden output: constraints, enums and defaults included", () => {
    expect(diagnostics(GOLDEN)).toEqual([]);
  }, 60_000);

  it("rejects a missing handler method, a wrong argument, and wrong result types", () => {
    const found = diagnostics(BAD);
    expect(found.map((d) => d.line)).toEqual([5, 12, 14, 15, 17]);
    expect(found[0]?.message).toMatch(/Class 'Incomplete' incorrectly implements interface 'GreeterHandlers'.*missing/);
    expect(found[1]?.message).toContain("Argument of type 'Incomplete' is not assignable to parameter of type 'GreeterHandlers'");
    expect(found[2]?.message).toContain("Argument of type 'string' is not assignable to parameter of type 'number'");
    expect(found[3]?.message).toContain("Type 'number' is not assignable to type 'string'");
    expect(found[4]?.message).toContain("is not assignable to type '\"huge\"'");
  }, 60_000);
});
