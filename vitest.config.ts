import { availableParallelism } from "node:os";
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
    // One worker per core, and at least three: vitest's default leaves a core out (one worker on a two-core machine),
    // and the tests wait on sockets, child processes and the type checker a good part of the time. No more than that: each
    // worker pays for its own copy of TypeScript and the schema reader's first program (over a second of CPU).
    maxWorkers: Math.max(3, availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 20_000,
    teardownTimeout: 2_000,
    // Test files close what they open (closeAfter, afterThisTest, openForThisFile) and mock nothing they have not loaded
    // afresh, so they share a worker's modules: the runtime and zeromq, ts-morph and TypeScript load once per worker,
    // not per file. One project, so that a worker goes on from a compiler test to a runtime test (vitest ends a worker
    // when the next file belongs to another project, and with two projects ran one after the other).
    isolate: false,
    // Each file's hooks: the closers that helpers.ts collects run after every test, and the file's shared ones after it.
    setupFiles: ["test/setup.ts"],
    include: ["test/**/*.test.ts"],
  },
});
