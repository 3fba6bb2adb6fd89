import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundled } from "../bundled.js";
import { afterThisTest } from "../helpers.js";

const SCRIPT = fileURLToPath(new URL("./soak.ts", import.meta.url));
/** Tiny unless asked: PSEUD_SOAK_CALLS=1000000 npx vitest run test/faults/soak.test.ts */
const CALLS = Number(process.env.PSEUD_SOAK_CALLS ?? 20_000);

interface SoakReport {
  readonly calls: number;
  readonly failures: number;
  readonly firstFailure?: string;
  readonly callsPerSecond: number;
  readonly gcExposed: boolean;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly held: Record<string, unknown>;
  readonly handlesAtStart: Record<string, number>;
  readonly handlesAtEnd: Record<string, number>;
}

function soak(calls: number): Promise<SoakReport> {
  const child = spawn(process.execPath, ["--expose-gc", bundled(SCRIPT)], {
    env: { ...process.env, PSEUD_SOAK_CALLS: String(calls) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  afterThisTest(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as SoakReport) : reject(new Error(`the soak exited with ${code}: ${out}`))));
  });
}

describe("the soak", () => {
  // About 5,000 calls a second on a busy 2-core machine, plus start-up: the timeout scales with the calls asked for.
  it(`runs ${CALLS} calls without a failure, a leaked descriptor or a growing heap`, { timeout: 30_000 + CALLS / 2 }, async () => {
    const report = await soak(CALLS);
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(report).toMatchObject({ calls: CALLS, failures: 0, gcExposed: true });
    expect(report.held).toEqual({
      server: { callsInFlight: 0, bytesInFlight: 0, pendingCalls: 0, queuedMessages: 0 },
      client: { callsInFlight: 0, bytesInFlight: 0, pendingCalls: 0, queuedMessages: 0 },
      peers: 1,
    });
    expect(report.handlesAtEnd).toEqual(report.handlesAtStart);
    expect(report.heapAfter - report.heapBefore).toBeLessThan(16 * 1024 * 1024);
  });
});
