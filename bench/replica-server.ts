/** One replica of the bench service in a process of its own: `echo`, and `work` (busy for the given µs). Prints its endpoint. */
import { Server, silentLogger } from "pseud";

const server = new Server("replica", { logger: silentLogger });
server.register("echo", (value: unknown) => value);
server.register("work", (us: number) => {
  const until = performance.now() + us / 1_000;
  while (performance.now() < until); // the handler's own CPU, as a real service spends it
  return us;
});
console.log(await server.bind("tcp://127.0.0.1:*"));
process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
process.stdin.resume();
