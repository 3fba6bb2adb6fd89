import { join } from "node:path";
import { Project } from "ts-morph";
import { describe, expect, it } from "vitest";
import { REPO } from "./temp-project.js";

/** Type-checks files with the repository's strict tsconfig (TypeScript as bundled by ts-morph: the pinned version). */
function diagnosticsOf(file: string): { line: number; message: string }[] {
  const project = new Project({ tsConfigFilePath: join(REPO, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
  const source = project.addSourceFileAtPath(join(REPO, file));
  project.resolveSourceFileDependencies();
  return project.getPreEmitDiagnostics().map((d) => ({
    line: d.getLineNumber() ?? 0,
    message: `${d.getSourceFile()?.getFilePath() === source.getFilePath() ? "" : `${d.getSourceFile()?.getBaseName()}: `}${flatten(d.getMessageText())}`,
  }));
}

function flatten(text: string | { getMessageText(): string; getNext(): unknown[] | undefined }): string {
  if (typeof text === "string") return text;
  const next = (text.getNext() ?? []) as (typeof text)[];
  return [text.getMessageText(), ...next.map(flatten)].join(" ");
}

describe("generated code under strict TypeScript", () => {
  it("compiles, with a usage file that implements and calls it", () => {
    expect(diagnosticsOf("test/compiler/fixtures/usage-ok.ts")).toEqual([]);
  }, 60_000);

  it("compiles the golden output: constraints, enums and defaults included", () => {
    expect(diagnosticsOf("test/compiler/golden/out/kitchen.sink.ts")).toEqual([]);
  }, 60_000);

  it("rejects a missing handler method, a wrong argument, and wrong result types", () => {
    const found = diagnosticsOf("test/compiler/fixtures/usage-bad.ts");
    expect(found.map((d) => d.line)).toEqual([5, 12, 14, 15, 17]);
    expect(found[0]?.message).toMatch(/Class 'Incomplete' incorrectly implements interface 'GreeterHandlers'.*missing/);
    expect(found[1]?.message).toContain("Argument of type 'Incomplete' is not assignable to parameter of type 'GreeterHandlers'");
    expect(found[2]?.message).toContain("Argument of type 'string' is not assignable to parameter of type 'number'");
    expect(found[3]?.message).toContain("Type 'number' is not assignable to type 'string'");
    expect(found[4]?.message).toContain("is not assignable to type '\"huge\"'");
  }, 60_000);
});
