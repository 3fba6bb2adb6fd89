import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterThisTest } from "../helpers.js";

/** Debian's interpreter: it has python3-zmq and python3-msgpack; the first python3 on PATH may not. */
export const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./pypeer.py", import.meta.url));

/** A running Python peer: its output lines as they come, and its exit. */
export interface PythonPeer {
  readonly child: ChildProcess;
  /** Resolves with the next stdout line. */
  nextLine(): Promise<string>;
  /** Every stdout line until it exits, and its exit code. */
  finish(): Promise<{ lines: string[]; code: number | null; stderr: string }>;
}

/** Starts `pypeer.py` with these arguments (and security, as PYPEER_SECURITY JSON); it is killed after the test. */
export function startPythonPeer(args: string[], security?: object, timeoutSeconds = 5, heartbeat?: object): PythonPeer {
  const env = {
    ...process.env,
    PYPEER_TIMEOUT: String(timeoutSeconds),
    ...(security ? { PYPEER_SECURITY: JSON.stringify(security) } : {}),
    ...(heartbeat ? { PYPEER_HEARTBEAT: JSON.stringify(heartbeat) } : {}),
  };
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["pipe", "pipe", "pipe"], env });
  afterThisTest(() => {
    child.stdin?.end();
    child.kill();
  });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(line);
        waiters.push(resolve);
        void exited.then(() => reject(new Error(`python peer exited before writing a line; stderr:\n${stderr}`)));
      }),
    finish: async () => {
      const code = await exited;
      await new Promise((resolve) => setImmediate(resolve)); // let readline flush
      return { lines: lines.splice(0), code, stderr };
    },
  };
}

/** Makes one call from a Python client; resolves with its reply ({kind, body}; REFUSED when the server refused its handshake or login, TIMEOUT when nothing came). */
export async function pythonCall(
  endpoint: string,
  method: string,
  args: unknown[],
  security?: object,
  timeoutSeconds = 5,
): Promise<PythonReply> {
  const peer = startPythonPeer(["call", "svc", endpoint, method, JSON.stringify(args)], security, timeoutSeconds);
  const { lines, stderr } = await peer.finish();
  if (lines[0] === undefined) throw new Error(`python client wrote nothing; stderr:\n${stderr}`);
  return JSON.parse(lines[0]) as PythonReply;
}

/** What the Python client's call printed. */
type PythonReply = { kind: "OK" | "ERROR" | "REFUSED" | "TIMEOUT"; body?: unknown };

/** Starts the Python peer as a server named `name`; resolves with its endpoint. */
export async function startPythonServer(name: string, security?: object, heartbeat?: object): Promise<{ peer: PythonPeer; endpoint: string }> {
  const peer = startPythonPeer(["server", name], security, 5, heartbeat);
  const { endpoint } = JSON.parse(await peer.nextLine()) as { endpoint: string };
  return { peer, endpoint };
}
