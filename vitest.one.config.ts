import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources; generated code imports the runtime by package name.
    alias: [
      { find: /^pseud$/, replacement: source("./runtime/index.ts") },
      { find: /^pseud\/protocol$/, replacement: source("./runtime/protocol/index.ts") },
      { find: /^pseud-gen\/schema$/, replacement: source("./compiler/schema/index.ts") },
    ],
  },
  test: {
    // Most tests wait on sockets, child processes and the type checker's disk reads, not on the CPU:
    // vitest's default of one worker per core less one is a single worker on a 2-core machine.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    teardownTimeout: 2_000,
    // Test files close what they open (closeAfter, afterThisTest) and mock nothing they have not loaded afresh, so
    // they share a worker's modules: the runtime and zeromq, or ts-morph and TypeScript, load once per worker, not per
    // file. The two kinds run as two projects, so that no worker holds both.
    isolate: false,
    // Each file's hooks: the closers that helpers.ts collects run after every test of every file.
    setupFiles: ["test/setup.ts"],
    include: ["test/**/*.test.ts"],
  },
});
