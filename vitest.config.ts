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
    projects: [
      {
        extends: true,
        test: {
          name: "runtime",
          include: ["test/**/*.test.ts"],
          exclude: ["test/compiler/**"],
          // The runtime's tests close what they open (closeAfter) and mock nothing they have not loaded afresh:
          // they share a worker's modules, so the runtime and zeromq load once per worker, not once per file.
          isolate: false,
        },
      },
      { extends: true, test: { name: "compiler", include: ["test/compiler/**/*.test.ts"] } },
    ],
  },
});
