import nacl from "tweetnacl";
import { credentialBytes, credentialText } from "../credentials.js";
import { type KeyInput, type KeyPairInput, keyText, loadKey, loadKeyPair } from "../keys.js";
import type { ClientPlugin, ServerPlugin } from "../plugin.js";
import { type CurveClients, CurveAllowList } from "../zap-policies.js";

/** Server options of `trusted_curve`. */
export interface TrustedCurveServerOptions {
  readonly plugin: "trusted_curve";
  readonly keyPair: KeyPairInput;
  /** Client public keys by login, or a file of `login key` lines, re-read when it changes. */
  readonly clients: CurveClients | { readonly file: string };
}

/** Client options of `trusted_curve`. */
export interface TrustedCurveClientOptions {
  readonly plugin: "trusted_curve";
  readonly keyPair: KeyPairInput;
  readonly serverKey: KeyInput;
}

const NONCE = nacl.box.nonceLength;

/**
 * `trusted_curve`: CURVE; ZAP lets in only the allow-listed client keys. A
 * pseud client binds its identity with HELLO [its public key, proof], where
 * the proof is a tweetnacl box of the server's challenge and the client's
 * routing id, from the client's secret key to the server's public key (the
 * same curve25519 keys): only the holder of the listed key can make it, and
 * it is good for that challenge on that connection only.
 */
export function trustedCurveServer(options: TrustedCurveServerOptions): ServerPlugin {
  const keys = loadKeyPair(options.keyPair, "server key pair");
  const allowList = new CurveAllowList(options.clients);
  return {
    name: "trusted_curve",
    mechanism: { curve: keys },
    zap: allowList.policy,
    binding: "pseud-clients",
    async verifyHello({ login, password, routingId, challenge }) {
      const key = credentialText(login);
      const identity = allowList.loginOf(key);
      if (identity === undefined || typeof password === "string" || password.length <= NONCE) return undefined;
      const opened = nacl.box.open(password.subarray(NONCE), password.subarray(0, NONCE), loadKey(key, "client key"), keys.secretBytes);
      const expected = Buffer.concat([challenge, routingId]);
      return opened !== null && challenge.length > 0 && Buffer.from(opened).equals(expected) ? identity : undefined;
    },
    close: () => allowList.close(),
  };
}

/** The client half: CURVE keys, and a proof of key possession in HELLO. */
export function trustedCurveClient(options: TrustedCurveClientOptions): ClientPlugin {
  const keys = loadKeyPair(options.keyPair, "client key pair");
  const serverKey = keyText(options.serverKey, "server public key");
  const serverBytes = loadKey(serverKey, "server public key");
  return {
    name: "trusted_curve",
    mechanism: { curve: keys, serverKey },
    hello(challenge, routingId) {
      const nonce = nacl.randomBytes(NONCE);
      const message = Buffer.concat([challenge, Buffer.from(routingId, "utf8")]);
      const proof = Buffer.concat([nonce, nacl.box(message, nonce, serverBytes, keys.secretBytes)]);
      return [credentialBytes(keys.publicKey), new Uint8Array(proof)];
    },
  };
}
