import { existsSync, readFileSync } from "node:fs";
import nacl from "tweetnacl";
import { z85Decode, z85Encode } from "../protocol/z85.js";

/** A CURVE key as a caller may give it: a path to a key file, Z85 text (40 characters), or 32 raw bytes. */
export type KeyInput = string | Uint8Array;

/** A CURVE key pair as a caller may give it. */
export interface KeyPairInput {
  readonly publicKey: KeyInput;
  readonly secretKey: KeyInput;
}

/** A checked CURVE key pair, as Z85 text (what zeromq.js takes) and raw bytes (what tweetnacl takes). */
export interface KeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
  readonly publicBytes: Uint8Array;
  readonly secretBytes: Uint8Array;
}

/** A key that cannot be used; the message names which key and why. */
export class KeyError extends Error {
  override name = "KeyError";
}

const KEY_BYTES = 32;

/**
 * Loads one CURVE key: 32 raw bytes, 40 characters of Z85, or the path of a
 * file holding the Z85 text (as `pseud keys` writes it). `what` names the key
 * in errors ("server public key").
 */
export function loadKey(input: KeyInput, what: string): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length !== KEY_BYTES) throw new KeyError(`${what}: ${input.length} bytes; a CURVE key is ${KEY_BYTES} bytes`);
    return new Uint8Array(input);
  }
  if (typeof input !== "string") throw new KeyError(`${what}: expected a file path, Z85 text or 32 bytes`);
  const text = input.trim();
  if (text.length === 40) {
    const bytes = z85Decode(text);
    if (bytes) return bytes;
    if (!existsSync(input)) throw new KeyError(`${what}: 40 characters but not Z85 text`);
  }
  if (!existsSync(input)) throw new KeyError(`${what}: ${JSON.stringify(input)} is neither a key file nor 40 characters of Z85 text`);
  const content = readFileSync(input, "utf8").trim();
  const bytes = content.length === 40 ? z85Decode(content) : undefined;
  if (!bytes) throw new KeyError(`${what}: ${input} does not hold a Z85 key (40 characters)`);
  return bytes;
}

/** Loads and checks a key pair: the public key must belong to the secret key. */
export function loadKeyPair(input: KeyPairInput, what: string): KeyPair {
  const secretBytes = loadKey(input.secretKey, `${what} secret key`);
  const publicBytes = loadKey(input.publicKey, `${what} public key`);
  const derived = nacl.box.keyPair.fromSecretKey(secretBytes).publicKey;
  if (!nacl.verify(derived, publicBytes)) throw new KeyError(`${what}: the public key does not belong to the secret key`);
  return { publicKey: z85Encode(publicBytes), secretKey: z85Encode(secretBytes), publicBytes, secretBytes };
}

/** A fresh CURVE key pair (curve25519, as libzmq's zmq_curve_keypair). */
export function generateKeyPair(): KeyPair {
  const pair = nacl.box.keyPair();
  return { publicKey: z85Encode(pair.publicKey), secretKey: z85Encode(pair.secretKey), publicBytes: pair.publicKey, secretBytes: pair.secretKey };
}

/** The Z85 text of a key given in any accepted form. */
export function keyText(input: KeyInput, what: string): string {
  return z85Encode(loadKey(input, what));
}
