import type { Credential } from "../protocol/frames.js";
import { type GuessLimiter, THROTTLED } from "./guess-limiter.js";
import type { Hello, HelloVerdict } from "./plugin.js";
import { type PasswordCheck, passwordVerifier } from "./zap-policies.js";

/** A HELLO credential as text: the reference sends bin, others str. */
export function credentialText(credential: Credential): string {
  return typeof credential === "string" ? credential : Buffer.from(credential).toString("utf8");
}

/** A credential as msgpack bin, as the reference's client sends it. */
export function credentialBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf8"));
}

/**
 * A HELLO check for plugins whose HELLO is [login, password]: the identity is
 * the login when the password is right; guesses are limited per login (a
 * HELLO does not tell its peer's address).
 */
export function passwordHello(check: PasswordCheck, limiter: GuessLimiter): (hello: Hello) => Promise<HelloVerdict> {
  const verify = passwordVerifier(check);
  return async ({ login, password }) => {
    const name = credentialText(login);
    const right = await limiter.check([{ login: name }], () => verify(name, credentialText(password)));
    if (right === THROTTLED) return THROTTLED;
    return right ? name : undefined;
  };
}
