/**
 * The server of one kind of the call benchmarks (see call-kinds.ts), in a
 * process of its own, so that no other kind's heap, collections or sockets
 * share it. Prints its endpoint; exits when stdin closes. Keys come in
 * BENCH_KEYS (JSON).
 * Usage: node --import tsx bench/call-server.ts <kind>
 */
import { raiseMallocThresholds } from "../runtime/transport/malloc-thresholds.js";
import { type BenchKeys, type Kind, KINDS, startServer } from "./call-kinds.js";

// The allocator settings pseud's first socket gives its process, in every kind's (the raw echoes make no pseud socket).
raiseMallocThresholds();
const kind = process.argv[2] as Kind;
if (!KINDS.includes(kind)) throw new Error(`unknown kind ${JSON.stringify(kind)}; one of ${KINDS.join(", ")}`);
const keys = JSON.parse(process.env.BENCH_KEYS ?? "{}") as BenchKeys;
process.stdout.write(`${await startServer(kind, keys)}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
