/**
 * `npm run bench` (add `-- --quick` for a short run): prints one table and
 * writes the same figures to bench/results.json.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { codegenFigures } from "./codegen.js";
import { heartbeatScaleFigures } from "./heartbeat-scale.js";
import type { Figure } from "./stats.js";

const quick = process.argv.includes("--quick");
const figures: Figure[] = [...(await codegenFigures(quick)), ...(await heartbeatScaleFigures(quick))];

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
const rows = figures.map((f) => [f.name, `${fmt(f.median)} ${f.unit}`, `${fmt(f.min)}–${fmt(f.max)}`]);
const widths = [0, 1, 2].map((i) => Math.max(...[["figure", "median", "min–max"], ...rows].map((r) => (r[i] as string).length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
console.log(line(["figure", "median", "min–max"]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
console.log(`\nmachine: ${machine}${quick ? " (quick run)" : ""}`);
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ machine, quick, figures }, null, 2)}\n`);
