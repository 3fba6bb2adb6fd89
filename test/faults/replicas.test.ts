/**
 * Scale-out by several servers (issue 16): three server processes behind one
 * ClientPool under load, one killed with SIGKILL. Every call settles once;
 * no call runs twice; the calls pending on the killed server are the only
 * failures, each a PeerLostError (it may have run); the others carry on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClientPool, PeerLostError, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";
import { startChild } from "../liveness/child.js";
import { heartbeat, ipcEndpoint } from "./harness.js";

const CALLS = Number(process.env.PSEUD_REPLICA_CALLS ?? 3_000);
const CONCURRENCY = 30;

describe("three server processes, one killed under load", () => {
  it(`${CALLS} calls at ${CONCURRENCY} in flight: none lost, none run twice, service back at once`, async () => {
    const endpoints = [0, 1, 2].map(() => ipcEndpoint());
    const journals = endpoints.map((endpoint) => join(endpoint.slice("ipc://".length, -"svc.sock".length), "journal"));
    const servers = endpoints.map((endpoint, i) => startChild("server", endpoint, { heartbeat, journal: journals[i] }));
    await Promise.all(servers.map((s) => s.event("ready")));
    const pool = closeAfter(new ClientPool("svc", endpoints, { logger: silentLogger, heartbeat, timeoutMs: 10_000 }));
    await expect.poll(() => pool.liveEndpoints().length).toBe(3);

    const outcomes = new Map<string, "ok" | "lost" | "other">();
    const doneAt: number[] = [];
    let killedAt = 0;
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const key = `call-${next++}`;
        if (next === Math.floor(CALLS / 3)) {
          killedAt = performance.now();
          servers[1]?.signal("SIGKILL");
        }
        const outcome = await pool.call("record", [key]).then(
          () => "ok" as const,
          (error: unknown) => (error instanceof PeerLostError ? ("lost" as const) : ("other" as const)),
        );
        expect(outcomes.has(key)).toBe(false); // settled once
        outcomes.set(key, outcome);
        if (outcome === "ok") doneAt.push(performance.now());
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const runs = new Map<string, number>();
    for (const journal of journals) {
      for (const key of readFileSync(journal, "utf8").split("\n").filter(Boolean)) runs.set(key, (runs.get(key) ?? 0) + 1);
    }
    const count = (kind: string) => [...outcomes.values()].filter((o) => o === kind).length;
    const twice = [...runs.values()].filter((n) => n > 1).length;
    const okNotRun = [...outcomes].filter(([key, o]) => o === "ok" && runs.get(key) !== 1).length;
    const lostRan = [...outcomes].filter(([key, o]) => o === "lost" && runs.get(key) === 1).length;
    const after = doneAt.filter((t) => t >= killedAt);
    // The longest wait between two completed calls from the kill on: how long the service stalled.
    const stallMs = Math.max(after[0] === undefined ? Number.NaN : after[0] - killedAt, ...after.slice(1).map((t, i) => t - (after[i] as number)));
    const rate = (from: number, to: number) => Math.round((doneAt.filter((t) => t >= from && t < to).length * 1_000) / (to - from));
    const figures = {
      calls: CALLS,
      ok: count("ok"),
      peerLost: count("lost"),
      peerLostThatRan: lostRan,
      other: count("other"),
      runTwice: twice,
      okNotRunOnce: okNotRun,
      longestStallAfterKillMs: Math.round(stallMs),
      callsPerSecondBefore: rate((doneAt[0] ?? 0), killedAt),
      callsPerSecondAfter: rate(killedAt, doneAt.at(-1) ?? killedAt + 1),
    };
    console.log(`replicas: ${JSON.stringify(figures)}`);
    expect(outcomes.size).toBe(CALLS); // every call settled
    expect(figures.other).toBe(0);
    expect(twice).toBe(0);
    expect(okNotRun).toBe(0);
    expect(figures.peerLost).toBeLessThanOrEqual(CONCURRENCY); // only calls pending on the killed server at its death
    expect(pool.liveEndpoints()).toEqual([endpoints[0], endpoints[2]]);
  });
});
