import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, type TscError, typeCheck } from "./temp-project.js";

const OK = "test/compiler/fixtures/usage-ok.ts";
const BAD = "test/compiler/fixtures/usage-bad.ts";
const GOLDEN = "test/compiler/golden/out/kitchen.sink.ts";

/**
 * The three files type-checked together, once, with the repository's strict
 * tsconfig, by the repository's TypeScript (7, as a user's `npm install
 * typescript` gives; the CommonJS project of the user-path test keeps 6).
 * Each error is filed under the file it is in; those in the generated code
 * the three import are filed under `usage-ok`.
 */
const GENERATED = ["generated/greeter.ts", "generated/types.ts"];
let checked: Promise<TscError[]> | undefined;
async function diagnostics(file: string): Promise<{ line: number; message: string }[]> {
  checked ??= typeCheck(REPO, [OK, BAD, GOLDEN, ...GENERATED], {}, join(REPO, "tsconfig.json"));
  return (await checked).flatMap((error) => {
    if (error.file === file) return [{ line: error.line, message: error.message }];
    if (file === OK && GENERATED.includes(error.file)) return [{ line: error.line, message: `${error.file.split("/").pop()}: ${error.message}` }];
    return [];
  });
}

describe("generated code under strict TypeScript", () => {
  it("compiles, with a usage file that implements and calls it", async () => {
    expect(await diagnostics(OK)).toEqual([]);
  }, 60_000);

  it("compiles the golden output: constraints, enums and defaults included", async () => {
    expect(await diagnostics(GOLDEN)).toEqual([]);
  }, 60_000);

  it("rejects a missing handler method, a wrong argument, and wrong result types", async () => {
    const found = await diagnostics(BAD);
    expect(found.map((d) => d.line)).toEqual([5, 12, 14, 15, 17]);
    expect(found[0]?.message).toMatch(/Class 'Incomplete' incorrectly implements interface 'GreeterHandlers'.*missing/);
    expect(found[1]?.message).toMatch(/Type 'Incomplete' is missing the following properties from type 'GreeterHandlers': add, adminReset, census/);
    expect(found[2]?.message).toContain("Argument of type 'string' is not assignable to parameter of type 'number'");
    expect(found[3]?.message).toContain("Type 'number' is not assignable to type 'string'");
    expect(found[4]?.message).toContain("is not assignable to type '\"huge\"'");
  }, 60_000);
});
