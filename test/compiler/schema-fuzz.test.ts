/**
 * The schema fuzzer (issue 14): random schemas in both formats, generated,
 * type-checked under a user's strictest settings in one program, then run
 * over a real socket: random valid values arrive equal (left-out optional
 * parameters arrive absent, or as their default) and come back equal;
 * invalid ones are refused with a ValidationError naming the parameter.
 *
 * PSEUD_SCHEMA_FUZZ_RUNS (schemas, default 6), PSEUD_SCHEMA_FUZZ_VALUES
 * (calls per method, default 4) and PSEUD_SCHEMA_FUZZ_SEED set the size and
 * the seed; the seed is printed, and a failure names the schema it came from.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Client, type Handler, RemoteError, Server, silentLogger } from "pseud";
import { localName, paramName, typeName } from "../../compiler/ir/names.js";
import { closeAfter } from "../helpers.js";
import { interfaceModule, interfaceSafe, invalidValue, type ModelSchema, type ModelType, schemaArbitrary, valueArbitrary, zodModule } from "./fuzz/schema-model.js";
import { runCli, tempProject, typeCheck } from "./temp-project.js";

const RUNS = Number(process.env.PSEUD_SCHEMA_FUZZ_RUNS ?? 6);
const VALUES = Number(process.env.PSEUD_SCHEMA_FUZZ_VALUES ?? 4);
const SEED = Number(process.env.PSEUD_SCHEMA_FUZZ_SEED ?? 20261124);

/** The schema with its named types renamed `<prefix><name>`, so that several schemas share one project. */
function prefixed(schema: ModelSchema, prefix: string): ModelSchema {
  const rename = (type: ModelType): ModelType => {
    switch (type.kind) {
      case "ref":
        return { kind: "ref", name: `${prefix}${type.name}` };
      case "array":
      case "record":
      case "nullable":
        return { ...type, of: rename(type.of) };
      case "tuple":
        return { ...type, items: type.items.map(rename) };
      case "object":
        return { ...type, fields: type.fields.map((f) => ({ ...f, type: rename(f.type) })) };
      default:
        return type;
    }
  };
  return {
    types: schema.types.map((t) => ({ name: `${prefix}${t.name}`, type: rename(t.type) })),
    methods: schema.methods.map((m) => ({ ...m, params: m.params.map((p) => ({ ...p, type: rename(p.type) })) })),
  };
}

const STRICTEST = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noPropertyAccessFromIndexSignature: true };

/** What a generated service module offers, as the fuzzer uses it. */
type GeneratedModule = Record<string, unknown>;

describe("the schema fuzzer", () => {
  it(`${RUNS} random schemas in both formats: generated, type-checked, and their values round-tripped over a socket (seed ${SEED})`, async () => {
    const schemas = fc.sample(schemaArbitrary, { numRuns: RUNS, seed: SEED });
    const services = schemas.flatMap((schema, i) => [
      { name: `fz${i}`, schema: prefixed(schema, `Z${i}`), source: "", file: `schemas/fz${i}.ts`, format: "zod" as const },
      { name: `fi${i}`, schema: interfaceSafe(prefixed(schema, `I${i}`)), source: "", file: `schemas/fi${i}.ts`, format: "interfaces" as const },
    ]).map((s) => ({ ...s, source: s.format === "zod" ? zodModule(s.schema, s.name) : interfaceModule(s.schema, s.name) }));
    const root = tempProject(Object.fromEntries(services.map((s) => [s.file, s.source])));
    const gen = await runCli(root, ["gen"]);
    if (gen.code !== 0) writeFileSync(join(root, "..", `pseud-schema-fuzz-${SEED}.txt`), services.map((s) => `// ${s.file}\n${s.source}`).join("\n"));
    const mistakes = gen.stderr.split("\n").filter((line) => line !== "" && !/^\[\d+\/\d+\] /.test(line)); // progress lines aside
    expect(mistakes, `seed ${SEED}: gen refused a valid schema`).toEqual([]);
    expect(gen.code).toBe(0);

    // The generated files under a user's strictest settings (the runtime's own sources are checked by `npm run typecheck`).
    const found = await typeCheck(root, readdirSync(join(root, "generated")).map((f) => `generated/${f}`), STRICTEST);
    expect(found, `seed ${SEED}: generated code does not compile`).toEqual([]);

    let calls = 0;
    for (const service of services) {
      const generated = (await import(join(root, "generated", `${service.name}.ts`))) as GeneratedModule;
      calls += await roundTrip(service.name, service.schema, generated);
    }
    console.log(`schema fuzz: seed ${SEED}, ${services.length} schemas (${RUNS} in each format), ${calls} calls`);
  }, 120_000);
});

/** Serves the schema's methods (each returns its first argument and records what it got), calls each with valid and invalid values; returns the calls made. */
async function roundTrip(name: string, schema: ModelSchema, generated: GeneratedModule): Promise<number> {
  const server = closeAfter(new Server(name, { logger: silentLogger }));
  const received: unknown[][] = [];
  const handlers = Object.fromEntries(
    schema.methods.map((m) => [
      localName(m.name),
      ((...args: unknown[]) => {
        received.push(args.slice(0, -1)); // the call context last
        return args[0];
      }) as Handler,
    ]),
  );
  (generated[`register${typeName(name)}Server`] as (server: Server, handlers: object) => void)(server, handlers);
  const client = closeAfter(new Client(name, { logger: silentLogger }));
  client.connect(await server.bind("tcp://127.0.0.1:*"));
  const Stub = generated[`${typeName(name)}Client`] as new (caller: Client) => Record<string, (...args: unknown[]) => Promise<unknown>>;
  const stub = new Stub(client);
  let calls = 0;
  for (const [j, m] of schema.methods.entries()) {
    const argumentSets = fc.sample(
      fc.tuple(...m.params.map((p) => (p.optional ? fc.option(valueArbitrary(p.type, schema.types), { nil: undefined }) : valueArbitrary(p.type, schema.types)))),
      { numRuns: VALUES, seed: SEED + j },
    );
    for (const args of argumentSets) {
      received.length = 0;
      const what = `${name}.${m.name}(${m.params.map((p) => paramName(p.name)).join(", ")})`;
      const result = await (stub[localName(m.name)] as (...a: unknown[]) => Promise<unknown>)(...args);
      expect(result, `${what}: the result`).toEqual(args[0]);
      const expected = m.params.map((p, i) => (args[i] === undefined && p.default !== undefined ? p.default : args[i]));
      while (expected.length > 0 && expected.at(-1) === undefined && (received[0]?.length ?? 0) < expected.length) expected.pop();
      expect(received[0], `${what}: what the handler got`).toEqual(expected);
      calls++;
    }
    const first = m.params[0];
    if (first !== undefined) {
      const rest = (argumentSets[0] ?? []).slice(1);
      const error = await client.call(m.name, [invalidValue(first.type, schema.types), ...rest]).catch((e: unknown) => e);
      expect(error, `${name}.${m.name}: an invalid ${first.name}`).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).remoteClass).toBe("ValidationError");
      expect((error as RemoteError).remoteMessage).toContain(`argument '${first.name}'`);
      calls++;
    }
  }
  await client.close();
  await server.close();
  return calls;
}
