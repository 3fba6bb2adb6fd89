#!/usr/bin/env node
/**
 * `npm test`: the type check of the whole repository (tsc, TypeScript 7,
 * on threads of its own) and the test suite (vitest) side by side, rather
 * than one after the other. Fails when either fails; arguments go to vitest.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Runs node with these arguments, its output straight through; resolves with its exit code. */
function node(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const [typecheck, tests] = await Promise.all([
  // One thread: beside vitest the cores are busy, and more checkers each check the libraries again (5.4 → 3.4 s of CPU).
  node([at("node_modules/typescript/bin/tsc"), "-p", at("tsconfig.json"), "--noEmit", "--singleThreaded"]),
  node([at("node_modules/vitest/vitest.mjs"), "run", ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error(`npm test: the type check failed (exit code ${typecheck}); run npm run typecheck to see it alone`);
process.exit(typecheck !== 0 ? typecheck : tests);
