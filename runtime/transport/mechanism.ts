/**
 * How a socket is secured, as ZeroMQ socket options: CURVE with a key pair,
 * PLAIN, or neither. The security plugins choose one; the transport applies it.
 */

/** A CURVE key pair, Z85 text (what `generateKeyPair` gives). */
export interface CurveKeys {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** How a server socket is secured: CURVE with its key pair, PLAIN, or neither. */
export type ServerMechanism = { readonly curve: CurveKeys } | { readonly plain: true } | Record<string, never>;

/** How a client socket is secured. */
export type ClientMechanism =
  | { readonly curve: CurveKeys; readonly serverKey: string }
  | { readonly plain: { readonly username: string; readonly password: string } }
  | Record<string, never>;
