// Run by vitest before each test file (vitest.config.ts, setupFiles).
import { afterEach } from "vitest";
import { runCleanups } from "./helpers.js";

afterEach(runCleanups);
