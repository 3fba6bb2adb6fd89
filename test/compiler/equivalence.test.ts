import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../compiler/generate.js";
import { readSchemas } from "../../compiler/readers/read-schemas.js";
import { REPO } from "./temp-project.js";

/** Each file is read once for the whole file of tests: a read is deterministic, and each costs a type-checked program. */
const reads = new Map<string, ReturnType<typeof readSchemas>>();
const read = (file: string) => {
  let result = reads.get(file);
  if (result === undefined) reads.set(file, (result = readSchemas([join(REPO, file)], { root: REPO })));
  return result;
};
const withoutLocations = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === "loc" ? undefined : v)));

describe("the same service in both schema formats", () => {
  it("gives the same IR, locations aside", async () => {
    const zod = await read("schemas/greeter.zod.ts");
    const interfaces = await read("schemas/greeter.interface.ts");
    expect(zod.diagnostics).toEqual([]);
    expect(interfaces.diagnostics).toEqual([]);
    expect(zod.schema.services.map((s) => s.name)).toEqual(["greeter"]);
    expect(withoutLocations(interfaces.schema)).toEqual(withoutLocations(zod.schema));
  });

  it("gives the same generated code, apart from the source line in the header", async () => {
    const zod = generate((await read("schemas/greeter.zod.ts")).schema, ".js");
    const interfaces = generate((await read("schemas/greeter.interface.ts")).schema, ".js");
    expect([...interfaces.keys()]).toEqual([...zod.keys()]);
    for (const [name, text] of zod) {
      const other = interfaces.get(name) as string;
      expect(other.replace("schemas/greeter.interface.ts", "schemas/greeter.zod.ts")).toBe(text);
      expect(other).toContain("// source: schemas/greeter.interface.ts");
    }
  });

  it("records where each declaration was written", async () => {
    const { schema } = await read("schemas/greeter.interface.ts");
    const hello = schema.services[0]?.methods.find((m) => m.name === "hello");
    expect(hello?.loc).toEqual({ file: "schemas/greeter.interface.ts", line: 43, column: 3 }); // `hello(name`
    const zod = (await read("schemas/greeter.zod.ts")).schema;
    const zodHello = zod.services[0]?.methods.find((m) => m.name === "hello");
    expect(zodHello?.loc).toEqual({ file: "schemas/greeter.zod.ts", line: 33, column: 5 }); // `hello: method({`
  });
});
