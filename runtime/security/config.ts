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

/** The server plugin for a config; undefined for none. Throws KeyError for a bad key. */
export function serverPlugin(security: ServerSecurity | undefined): ServerPlugin | undefined {
  switch (security?.plugin) {
    case undefined:
    case "none":
      return undefined;
    case "plain":
      return plainServer(security);
    case "trusted_peer":
      return trustedPeerServer();
    case "trusted_curve":
      return trustedCurveServer(security);
    case "untrusted_curve":
      return untrustedCurveServer(security);
    default:
      throw new TypeError(`unknown security plugin ${JSON.stringify((security as { plugin: unknown }).plugin)}`);
  }
}

/** The client plugin for a config; undefined for none. Throws KeyError for a bad key. */
export function clientPlugin(security: ClientSecurity | undefined): ClientPlugin | undefined {
  switch (security?.plugin) {
    case undefined:
    case "none":
      return undefined;
    case "plain":
    case "trusted_peer":
      return plainClient(security);
    case "trusted_curve":
      return trustedCurveClient(security);
    case "untrusted_curve":
      return untrustedCurveClient(security);
    default:
      throw new TypeError(`unknown security plugin ${JSON.stringify((security as { plugin: unknown }).plugin)}`);
  }
}
