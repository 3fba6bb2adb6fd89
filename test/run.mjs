#!/usr/bin/env node
/**
 * `npm test`: the type check of the whole repository (tsc, TypeScript 7,
 * on threads of its own) and the test suite (vitest) side by side, rather
 * than one after the other. Fails when either fails; arguments go to vitest.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Runs a program with these arguments, its output straight through; resolves with its exit code. */
function run(program, args) {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// TypeScript's native compiler itself, not bin/tsc, whose node process only finds it and waits for it.
const { default: tscPath } = await import(at("node_modules/typescript/lib/getExePath.js"));
const [typecheck, tests] = await Promise.all([
  // One thread: beside vitest the cores are busy, and more checkers each check the libraries again (5.4 → 3.4 s of CPU).
  run(tscPath(), ["-p", at("tsconfig.json"), "--noEmit", "--singleThreaded"]),
  run(process.execPath, [at("node_modules/vitest/vitest.mjs"), "run", ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error(`npm test: the type check failed (exit code ${typecheck}); run npm run typecheck to see it alone`);
process.exit(typecheck !== 0 ? typecheck : tests);
