/**
 * Endpoint strings, checked before they reach ZeroMQ: libzmq answers a
 * mistyped one with a bare `Invalid argument`, which names neither the
 * endpoint nor the mistake.
 */

/** The transports libzmq may accept; the rest of the string is theirs to judge. */
const TRANSPORTS = ["tcp", "ipc", "inproc", "ws", "wss", "pgm", "epgm", "tipc", "vmci", "udp"] as const;

/**
 * Throws a TypeError that names `endpoint` and what is wrong with it, for
 * the mistakes libzmq would not explain: a missing or unknown transport, a
 * tcp address without a port. `verb` is "connect to" or "bind".
 */
export function checkEndpoint(endpoint: string, verb: "connect to" | "bind"): void {
  const refuse = (why: string): never => {
    throw new TypeError(`cannot ${verb} ${JSON.stringify(endpoint)}: ${why}`);
  };
  if (typeof endpoint !== "string" || endpoint === "") refuse("an endpoint is a non-empty string such as tcp://127.0.0.1:5555");
  const scheme = /^([a-z]+):\/\/(.*)$/.exec(endpoint);
  if (scheme === null) return refuse(`it has no transport; write it as tcp://${endpoint} (or ipc://path, inproc://name)`);
  const transport = scheme[1] ?? "";
  const address = scheme[2] ?? "";
  if (!(TRANSPORTS as readonly string[]).includes(transport)) refuse(`unknown transport ${JSON.stringify(transport)}; use tcp, ipc or inproc`);
  if (address === "") refuse(`${transport}:// needs an address`);
  if (transport === "tcp" && !/:(\d+|\*)$/.test(address)) refuse(`a tcp endpoint needs a port: tcp://host:port${verb === "bind" ? " (or :* for any free port)" : ""}`);
}

/**
 * A ZeroMQ connect or bind failure, named: `cannot bind "tcp://…": Address
 * already in use`, keeping libzmq's `code` (EADDRINUSE…) and the cause.
 */
export function endpointError(endpoint: string, verb: "connect to" | "bind", error: unknown): Error {
  const failure = new Error(`cannot ${verb} ${JSON.stringify(endpoint)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") Object.assign(failure, { code });
  return failure;
}
