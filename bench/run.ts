/**
 * `npm run bench` (add `-- --quick` for a short run, `-- --only=calls|codegen|heartbeat|replicas`
 * for one part): prints one table and writes the same figures to bench/results.json.
 * Ratios compare figures measured in this same run, because these machines are shared and noisy.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { type CallFigure, callFigures } from "./calls.js";
import { codegenFigures } from "./codegen.js";
import { heartbeatScaleFigures } from "./heartbeat-scale.js";
import { replicaFigures } from "./replicas.js";
import { spread } from "./stats.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const figures: CallFigure[] = [
  ...(only === undefined || only === "calls" ? await callFigures(quick) : []),
  ...(only === undefined || only === "codegen" ? await codegenFigures(quick) : []),
  ...(only === undefined || only === "heartbeat" ? await heartbeatScaleFigures(quick) : []),
  ...(only === undefined || only === "replicas" ? await replicaFigures(quick) : []),
];

const byName = new Map(figures.map((f) => [f.name, f]));
/**
 * This figure over its baseline's, for calls/s; the baseline's over this
 * figure's, for latency: above 1 is better. Where both were measured in the
 * same interleaved rounds, the median of the rounds' own ratios (each pair
 * ran back to back, so a slow patch of the machine falls on both), and
 * their min–max in brackets.
 */
const ratio = (f: CallFigure, baseline: string | undefined): string => {
  const base = baseline === undefined ? undefined : byName.get(baseline);
  if (base === undefined || base === f) return "";
  const paired = f.rounds !== undefined && f.rounds.length === base.rounds?.length;
  if (paired) {
    const ratios = spread(f.rounds.map((rate, i) => rate / (base.rounds?.[i] as number)));
    return `${ratios.median.toFixed(2)}× (${ratios.min.toFixed(2)}–${ratios.max.toFixed(2)})`;
  }
  return `${(f.unit === "µs" ? base.median / f.median : f.median / base.median).toFixed(2)}×`;
};
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
const cpu = (us: number | undefined) => (us === undefined ? "" : fmt(us));
const header = ["figure", "median", "min–max", "CPU µs/call client", "CPU µs/call server", "vs 6-frame echo", "vs 1-frame echo", "vs grpc-js"];
const rows = figures.map((f) => [
  f.name,
  `${fmt(f.median)} ${f.unit}`,
  f.min === f.max ? "" : `${fmt(f.min)}–${fmt(f.max)}`,
  cpu(f.clientCpuUs),
  cpu(f.serverCpuUs),
  ratio(f, f.ceilingName),
  ratio(f, f.rawName),
  ratio(f, f.grpcName),
]);
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] as string).length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
console.log(`\nmachine: ${machine}${quick ? " (quick run)" : ""}`);
const results = figures.map((f) => ({ ...f, vsCeiling: ratio(f, f.ceilingName) || null, vsRaw: ratio(f, f.rawName) || null, vsGrpc: ratio(f, f.grpcName) || null }));
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ machine, quick, figures: results }, null, 2)}\n`);
