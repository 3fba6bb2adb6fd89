import { mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const REPO = fileURLToPath(new URL("../", import.meta.url));

/**
 * A test's child-process script bundled once into plain JavaScript, so that
 * each child starts in node alone instead of compiling the runtime through
 * tsx again (about 0.6 s of CPU saved per child). Packages stay external and
 * resolve from this repository's node_modules, beside the bundle.
 */
const bundles = new Map<string, string>();

/** The path of `script` (a .ts file of the tests) bundled for node; built on first use in this process (about 50 ms). */
export function bundled(script: string): string {
  let out = bundles.get(script);
  if (out === undefined) {
    out = join(REPO, "node_modules/.cache/pseud-tests", `${script.slice(REPO.length).replace(/[\\/]/g, "_")}.mjs`);
    const written = `${out}.${process.pid}.tmp`;
    mkdirSync(dirname(out), { recursive: true });
    buildSync({
      entryPoints: [script],
      outfile: written,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      alias: { pseud: join(REPO, "runtime/index.ts") },
      logLevel: "silent",
    });
    // Workers bundle side by side: each writes its own file, then puts it in place whole (rename is atomic).
    renameSync(written, out);
    bundles.set(script, out);
  }
  return out;
}
