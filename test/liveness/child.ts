import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { bundled } from "../bundled.js";
import { afterThisTest } from "../helpers.js";

const SCRIPT = fileURLToPath(new URL("./child-peer.ts", import.meta.url));

/** A pseud peer in a child process; killed after the test. */
export interface ChildPeer {
  readonly child: ChildProcess;
  /** Resolves with the next event of this name (its JSON line). */
  event(name: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  signal(signal: NodeJS.Signals): void;
}

/** Starts a peer in a child process; `nodeArgs` go to its node (a heap limit…). */
export function startChild(mode: "server" | "client", endpoint: string, config: object, nodeArgs: readonly string[] = []): ChildPeer {
  const child = spawn(process.execPath, [...nodeArgs, bundled(SCRIPT), mode, endpoint], {
    env: { ...process.env, CHILD_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  afterThisTest(() => {
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  });
  const events: Record<string, unknown>[] = [];
  const waiters: { name: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    const waiter = waiters.find((w) => w.name === event.event);
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    } else events.push(event);
  });
  return {
    child,
    event(name, timeoutMs = 15_000) {
      const seen = events.findIndex((e) => e.event === name);
      if (seen !== -1) return Promise.resolve(events.splice(seen, 1)[0] as Record<string, unknown>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} event from the ${mode} child within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ name, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    signal: (signal) => child.kill(signal),
  };
}

/**
 * A server ("svc", no security, `echo` and `stats` registered) in a child
 * process on an OS-picked port, so that a test sees it die instead of dying
 * with it. `died` rejects when it exits: race a test's awaits against it.
 */
export async function startChildServer(nodeArgs: readonly string[] = []): Promise<{ readonly endpoint: string; readonly died: Promise<never> }> {
  const server = startChild("server", "tcp://127.0.0.1:*", {}, nodeArgs);
  const died = new Promise<never>((_resolve, reject) => {
    server.child.once("exit", (code, signal) => reject(new Error(`the server process died (exit code ${code}, signal ${signal})`)));
  });
  died.catch(() => {}); // only raced against: its rejection at the test's end, when the child is killed, is expected
  const { endpoint } = await Promise.race([server.event("ready"), died]);
  return { endpoint: endpoint as string, died };
}
