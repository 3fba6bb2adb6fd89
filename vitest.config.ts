import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources; generated code imports the runtime by package name.
    alias: {
      "pseud-gen/schema": fileURLToPath(new URL("./compiler/schema/index.ts", import.meta.url)),
      pseud: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
