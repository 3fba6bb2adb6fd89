// Run by vitest before each test file (vitest.config.ts, setupFiles).
import { afterAll, afterEach } from "vitest";
import { runCleanups, runFileCleanups } from "./helpers.js";

afterEach(runCleanups);
afterAll(runFileCleanups);
