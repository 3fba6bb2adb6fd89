import { readFileSync } from "node:fs";

/**
 * The server side's TCP connections on an endpoint's port that it has not
 * closed yet (Linux's /proc/net/tcp). libzmq closes its side only after it
 * has pushed a connection's disconnect notice, so once none is left, every
 * notice is on its way to the server: an event to wait for, where otherwise
 * a test could only wait out a delay.
 */
export function openConnections(endpoint: string): number {
  const port = Number(endpoint.split(":").at(-1)).toString(16).toUpperCase().padStart(4, "0");
  const open = new Set(["01", "03", "08"]); // ESTABLISHED, SYN_RECV, CLOSE_WAIT
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${port}`) && open.has(fields[3] ?? "")).length;
}
