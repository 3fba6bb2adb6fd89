import { credentialBytes, passwordHello } from "../credentials.js";
import { GuessLimiter, type GuessLimits, guessLimits } from "../guess-limiter.js";
import { type KeyInput, type KeyPairInput, keyText, loadKeyPair } from "../keys.js";
import type { ClientPlugin, ServerPlugin } from "../plugin.js";
import { allowAnyCurveKey, type PasswordCheck } from "../zap-policies.js";

/** Server options of `untrusted_curve`. */
export interface UntrustedCurveServerOptions {
  readonly plugin: "untrusted_curve";
  readonly keyPair: KeyPairInput;
  /** Passwords by login, or a function that checks a pair. */
  readonly users: PasswordCheck;
  /** Limits on password guessing by HELLO; each left out is its default (see GuessLimiter). */
  readonly guessLimits?: Partial<GuessLimits>;
}

/** Client options of `untrusted_curve`. */
export interface UntrustedCurveClientOptions {
  readonly plugin: "untrusted_curve";
  readonly keyPair: KeyPairInput;
  readonly serverKey: KeyInput;
  readonly login: string;
  readonly password: string;
}

/**
 * `untrusted_curve`: CURVE with any client key (traffic is encrypted, the
 * key proves nothing); every peer must bind an identity with HELLO [login,
 * password] before it is served, as the reference does.
 */
export function untrustedCurveServer(options: UntrustedCurveServerOptions): ServerPlugin {
  const keys = loadKeyPair(options.keyPair, "server key pair");
  return {
    name: "untrusted_curve",
    mechanism: { curve: keys },
    zap: allowAnyCurveKey,
    binding: "everyone",
    verifyHello: passwordHello(options.users, new GuessLimiter(guessLimits(options.guessLimits))),
    close() {},
  };
}

/** The client half: CURVE keys, HELLO [login, password] as msgpack bin. */
export function untrustedCurveClient(options: UntrustedCurveClientOptions): ClientPlugin {
  const keys = loadKeyPair(options.keyPair, "client key pair");
  return {
    name: "untrusted_curve",
    mechanism: { curve: keys, serverKey: keyText(options.serverKey, "server public key") },
    hello: () => [credentialBytes(options.login), credentialBytes(options.password)],
  };
}
