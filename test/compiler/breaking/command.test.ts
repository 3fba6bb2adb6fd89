import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { copyProject, runCli, tempProject, writeProject } from "../temp-project.js";

const V1 = `import { z } from "zod";
import { method, service } from "pseud-gen/schema";

export const shop = service("shop", {
  methods: {
    "item.get": method({ params: { id: z.number().int() }, returns: z.string() }),
    "item.list": method({ params: {}, returns: z.array(z.string()) }),
  },
});
`;
// item.get gains a required parameter; item.list is removed; item.count is added.
const V2 = V1.replace("{ id: z.number().int() }", "{ id: z.number().int(), store: z.string() }").replace(
  `"item.list": method({ params: {}, returns: z.array(z.string()) }),`,
  `"item.count": method({ params: {}, returns: z.number().int() }),`,
);

describe("pseud breaking", () => {
  let root: string;
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { stdio: "pipe" });
  // The repository (v1, then v2 committed) is made once; each test gets a copy of it, without running git again.
  let repository: string;
  beforeAll(() => {
    repository = mkdtempSync(join(tmpdir(), "pseud-breaking-repo-"));
    writeProject(repository, { "schemas/shop.ts": V1 });
    root = repository;
    git("init", "-q");
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1");
    writeFileSync(join(root, "schemas/shop.ts"), V2);
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2");
  });
  afterAll(() => rmSync(repository, { recursive: true, force: true }));
  beforeEach(() => {
    root = copyProject(repository);
  });

  it("finds breaking changes against HEAD~1, read with git show, and exits 1", async () => {
    const { code, stdout, stderr } = await runCli(root, ["breaking", "--against", "HEAD~1"]);
    expect(code).toBe(1);
    expect(stdout.split("\n")).toEqual([
      expect.stringMatching(/^schemas\/shop\.ts:6:5: PARAM_ADDED_REQUIRED: shop\.item\.get\(store\): /),
      expect.stringMatching(/^schemas\/shop\.ts:7:5: METHOD_REMOVED: shop\.item\.list: /),
      "",
    ]);
    expect(stderr).toBe("pseud breaking: against revision HEAD~1: 2 breaking changes, 1 safe\n");
    expect(readdirSync(root).filter((n) => n.startsWith(".pseud-breaking"))).toEqual([]); // scratch folder gone
    expect(git("status", "--porcelain").toString()).toBe(""); // work tree untouched
  });

  it("lists safe changes with --verbose, and passes against itself", async () => {
    const verbose = await runCli(root, ["breaking", "--against", "HEAD~1", "--verbose"]);
    expect(verbose.stdout).toMatch(/METHOD_ADDED: shop\.item\.count: a method was added \(safe\)/);
    expect(await runCli(root, ["breaking", "--against", "HEAD"])).toMatchObject({ code: 0 });
  });

  it("compares with a folder of schemas and with an IR snapshot", async () => {
    const old = tempProject({ "schemas/shop.ts": V1 });
    const snapshot = await runCli(old, ["gen", "--emit-ir", "contract.json"]);
    expect(snapshot.stdout).toContain("wrote contract.json");
    execFileSync("cp", [join(old, "contract.json"), join(root, "contract.json")]);
    for (const against of ["contract.json", join(old, "schemas")]) {
      const { code, stdout } = await runCli(root, ["breaking", "--against", against]);
      expect(code).toBe(1);
      expect(stdout).toContain("PARAM_ADDED_REQUIRED");
      expect(stdout).toContain("METHOD_REMOVED");
    }
  });

  it("lets deliberate breaks through: --ignore, or the config's allow-list with a reason", async () => {
    const ignored = await runCli(root, ["breaking", "--against", "HEAD~1", "--ignore", "METHOD_REMOVED", "--ignore", "PARAM_ADDED_REQUIRED"]);
    expect(ignored.code).toBe(0);
    writeFileSync(
      join(root, "pseud.config.json"),
      JSON.stringify({
        schemas: ["schemas/*.ts"],
        breaking: { allow: [{ rule: "METHOD_REMOVED", subject: "shop.item.list", reason: "no client ever called it" }] },
      }),
    );
    const allowed = await runCli(root, ["breaking", "--against", "HEAD~1"]);
    expect(allowed.code).toBe(1); // the other break is still a break
    expect(allowed.stdout).toContain("METHOD_REMOVED: shop.item.list: a method was removed or renamed: old callers get ServiceNotFoundError (allowed: no client ever called it)");
    expect(allowed.stderr).toContain("1 breaking change (1 more allowed)");
  });

  it("prints JSON and GitHub annotations", async () => {
    const json = await runCli(root, ["breaking", "--against", "HEAD~1", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ file: "schemas/shop.ts", line: 6, rule: "PARAM_ADDED_REQUIRED", breaking: true, allowed: null }),
      expect.objectContaining({ rule: "METHOD_REMOVED", subject: "shop.item.list" }),
    ]);
    const github = await runCli(root, ["breaking", "--against", "HEAD~1", "--format", "github"]);
    expect(github.stdout).toMatch(/^::error file=schemas\/shop\.ts,line=6,col=5::PARAM_ADDED_REQUIRED: /);
  });

  it("exits 2 on a usage or schema error", async () => {
    expect((await runCli(root, ["breaking"])).code).toBe(2);
    expect((await runCli(root, ["breaking", "--against", "no-such-rev"])).code).toBe(2);
    expect((await runCli(root, ["breaking", "--against", "HEAD", "--ignore", "NOT_A_RULE"])).code).toBe(2);
    writeFileSync(join(root, "bad.json"), "{}");
    const badSnapshot = await runCli(root, ["breaking", "--against", "bad.json"]);
    expect(badSnapshot).toMatchObject({ code: 2, stderr: expect.stringContaining("not a pseud IR snapshot") });
    writeFileSync(join(root, "schemas/shop.ts"), V1.replace("returns: z.string()", "returns: z.function()"));
    const broken = await runCli(root, ["breaking", "--against", "HEAD"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("not supported");
  });

  it("reads, from a git revision, the modules the schemas import outside the schema globs", async () => {
    const shared = (name: string) => `import { z } from "zod";\nexport const Item = z.object({ id: z.number().int(), name: ${name} });\n`;
    const schema = `import { z } from "zod";
import { method, service } from "pseud-gen/schema";
import { Item } from "../lib/shared/item.js";
export const depot = service("depot", { methods: { get: method({ params: { id: z.number().int() }, returns: Item }) } });
`;
    const project = tempProject({ "schemas/depot.ts": schema, "lib/shared/item.ts": shared("z.string()") });
    const run = (...args: string[]) => execFileSync("git", ["-C", project, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "pipe" });
    run("init", "-q");
    run("add", ".");
    run("commit", "-qm", "v1");
    writeFileSync(join(project, "lib/shared/item.ts"), shared("z.string().optional()")); // only the imported module changes
    const { code, stdout, stderr } = await runCli(project, ["breaking", "--against", "HEAD"]);
    expect(stderr).toBe("pseud breaking: against revision HEAD: 1 breaking change, 0 safe\n");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^schemas\/depot\.ts:4:\d+: RETURN_TYPE_WIDENED: depot\.get: /);
  });
});
