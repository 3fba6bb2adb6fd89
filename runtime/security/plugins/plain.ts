import { credentialBytes, passwordHello } from "../credentials.js";
import { GuessLimiter, type GuessLimits, guessLimits } from "../guess-limiter.js";
import type { ClientPlugin, ServerPlugin } from "../plugin.js";
import { type PasswordCheck, plainPasswords } from "../zap-policies.js";

/** Server options of `plain`: ZMTP PLAIN, the password checked at connect and again by HELLO. */
export interface PlainServerOptions {
  readonly plugin: "plain";
  /** Passwords by login, or a function that checks a pair. */
  readonly users: PasswordCheck;
  /** Limits on password guessing (at connect and by HELLO alike); each left out is its default (see GuessLimiter). */
  readonly guessLimits?: Partial<GuessLimits>;
}

/** Client options of `plain` and `trusted_peer`. */
export interface PlainClientOptions {
  readonly plugin: "plain" | "trusted_peer";
  readonly login: string;
  readonly password: string;
}

/**
 * `plain`: ZMTP PLAIN (not encrypted: for networks you trust, or inside
 * a tunnel). ZAP checks each connection's login and password; a pseud client
 * then binds its identity with HELLO [login, password].
 */
export function plainServer(options: PlainServerOptions): ServerPlugin {
  const limiter = new GuessLimiter(guessLimits(options.guessLimits));
  return {
    name: "plain",
    mechanism: { plain: true },
    zap: plainPasswords(options.users, limiter),
    binding: "pseud-clients",
    verifyHello: passwordHello(options.users, limiter),
    close() {},
  };
}

/** The client half of `plain` and `trusted_peer`: PLAIN credentials, and the same pair in HELLO. */
export function plainClient(options: PlainClientOptions): ClientPlugin {
  return {
    name: options.plugin,
    mechanism: { plain: { username: options.login, password: options.password } },
    hello: () => [credentialBytes(options.login), credentialBytes(options.password)],
  };
}
