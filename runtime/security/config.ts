import type { GuessLimits } from "./guess-limiter.js";
import type { ClientPlugin, ServerPlugin } from "./plugin.js";
import { type PlainClientOptions, plainClient, plainServer, type PlainServerOptions } from "./plugins/plain.js";
import { type TrustedCurveClientOptions, trustedCurveClient, trustedCurveServer, type TrustedCurveServerOptions } from "./plugins/trusted-curve.js";
import { type TrustedPeerServerOptions, trustedPeerServer } from "./plugins/trusted-peer.js";
import { type UntrustedCurveClientOptions, untrustedCurveClient, untrustedCurveServer, type UntrustedCurveServerOptions } from "./plugins/untrusted-curve.js";

/** A server's security, by plugin name; `{ plugin: "none" }` (the default) is no security at all. */
export type ServerSecurity =
  | { readonly plugin: "none" }
  | PlainServerOptions
  | TrustedPeerServerOptions
  | TrustedCurveServerOptions
  | UntrustedCurveServerOptions;

/** A client's security, by plugin name; it must match its server's. */
export type ClientSecurity = { readonly plugin: "none" } | PlainClientOptions | TrustedCurveClientOptions | UntrustedCurveClientOptions;

/**
 * The server plugin for a config; undefined when the option is left out or
 * is `{ plugin: "none" }`. Anything else that is not a complete config of a
 * known plugin throws TypeError (KeyError for a bad key): a server must never
 * fall back to no security because its config was misspelled, or came from
 * JavaScript as an object the types would have refused.
 */
export function serverPlugin(security: ServerSecurity | undefined): ServerPlugin | undefined {
  if (security === undefined) return undefined;
  const config = checkedConfig(security, SERVER_OPTIONS);
  switch (config.plugin) {
    case "none":
      return undefined;
    case "plain":
      return plainServer({ plugin: "plain", users: passwordCheck(config.users), guessLimits: config.guessLimits as Partial<GuessLimits> | undefined }); // limits checked by the plugin
    case "trusted_peer":
      return trustedPeerServer();
    case "trusted_curve":
      objectOption(config, "keyPair");
      return trustedCurveServer({ plugin: "trusted_curve", keyPair: config.keyPair as TrustedCurveServerOptions["keyPair"], clients: curveClients(config.clients) });
    case "untrusted_curve":
      objectOption(config, "keyPair");
      return untrustedCurveServer({
        plugin: "untrusted_curve",
        keyPair: config.keyPair as UntrustedCurveServerOptions["keyPair"],
        users: passwordCheck(config.users),
        guessLimits: config.guessLimits as Partial<GuessLimits> | undefined, // checked by the plugin
      });
  }
}

/** The client plugin for a config; undefined when left out or `{ plugin: "none" }`. Throws TypeError (KeyError for a bad key) for anything else that is not a complete config. */
export function clientPlugin(security: ClientSecurity | undefined): ClientPlugin | undefined {
  if (security === undefined) return undefined;
  const config = checkedConfig(security, CLIENT_OPTIONS);
  switch (config.plugin) {
    case "none":
      return undefined;
    case "plain":
    case "trusted_peer":
      return plainClient({ plugin: config.plugin, login: plainCredential(config, "login"), password: plainCredential(config, "password") });
    case "trusted_curve":
      objectOption(config, "keyPair");
      return trustedCurveClient(config as unknown as TrustedCurveClientOptions);
    case "untrusted_curve":
      objectOption(config, "keyPair");
      stringOption(config, "login");
      stringOption(config, "password");
      return untrustedCurveClient(config as unknown as UntrustedCurveClientOptions);
  }
}

/** The options each server plugin takes; those ending in "?" may be left out. */
const SERVER_OPTIONS = {
  none: [],
  plain: ["users", "guessLimits?"],
  trusted_peer: [],
  trusted_curve: ["keyPair", "clients"],
  untrusted_curve: ["keyPair", "users", "guessLimits?"],
} as const satisfies Record<ServerSecurity["plugin"], readonly string[]>;

/** The options each client plugin takes; all required. */
const CLIENT_OPTIONS = {
  none: [],
  plain: ["login", "password"],
  trusted_peer: ["login", "password"],
  trusted_curve: ["keyPair", "serverKey"],
  untrusted_curve: ["keyPair", "serverKey", "login", "password"],
} as const satisfies Record<ClientSecurity["plugin"], readonly string[]>;

type Config<Name extends string> = { readonly plugin: Name } & Readonly<Record<string, unknown>>;

/** A config object naming a known plugin, with exactly that plugin's options. */
function checkedConfig<Name extends string>(security: unknown, options: Readonly<Record<Name, readonly string[]>>): Config<Name> {
  if (!isRecord(security)) throw new TypeError(`security: expected { plugin: ${names(options)}, …options }; got ${describe(security)}`);
  const plugin = security.plugin;
  if (typeof plugin !== "string" || !Object.hasOwn(options, plugin)) {
    throw new TypeError(`security.plugin: expected one of ${names(options)} (custom plugin objects are not supported); got ${describe(plugin)}`);
  }
  const declared: readonly string[] = options[plugin as Name];
  const allowed = declared.map((key) => key.replace(/\?$/, ""));
  for (const key of Object.keys(security)) {
    if (key !== "plugin" && !allowed.includes(key)) throw new TypeError(`security: ${plugin} takes no option ${JSON.stringify(key)}${allowed.length ? ` (it takes ${allowed.join(", ")})` : ""}`);
  }
  for (const key of declared) if (!key.endsWith("?") && security[key] === undefined) throw new TypeError(`security: ${plugin} needs the option ${JSON.stringify(key)}`);
  return security as Config<Name>;
}

function passwordCheck(users: unknown): PlainServerOptions["users"] {
  if (typeof users === "function") return users as PlainServerOptions["users"];
  if (isRecord(users) && Object.values(users).every((password) => typeof password === "string")) return users as Readonly<Record<string, string>>;
  throw new TypeError(`security.users: expected passwords by login (an object of strings) or a function (login, password) => boolean; got ${describe(users)}`);
}

function curveClients(clients: unknown): TrustedCurveServerOptions["clients"] {
  if (!isRecord(clients)) throw new TypeError(`security.clients: expected public keys by login, or { file }; got ${describe(clients)}`);
  if ("file" in clients && typeof clients.file !== "string") throw new TypeError(`security.clients.file: expected a path; got ${describe(clients.file)}`);
  return clients as TrustedCurveServerOptions["clients"];
}

function objectOption(config: Readonly<Record<string, unknown>>, key: string): void {
  if (!isRecord(config[key])) throw new TypeError(`security.${key}: expected { publicKey, secretKey }; got ${describe(config[key])}`);
}

function stringOption(config: Readonly<Record<string, unknown>>, key: string): string {
  const value = config[key];
  if (typeof value !== "string") throw new TypeError(`security.${key}: expected a string; got ${describe(value)}`);
  return value;
}

/** A login or password that ZMTP PLAIN carries: 1 to 255 bytes of UTF-8 (libzmq refuses anything else with a bare EINVAL). */
function plainCredential(config: Readonly<Record<string, unknown>>, key: string): string {
  const value = stringOption(config, key);
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes === 0 || bytes > 255) throw new TypeError(`security.${key}: ZMTP PLAIN needs 1 to 255 bytes; got ${bytes}`);
  return value;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function names(options: Readonly<Record<string, unknown>>): string {
  return Object.keys(options)
    .map((name) => JSON.stringify(name))
    .join(" | ");
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return `an object with keys ${JSON.stringify(Object.keys(value))}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
