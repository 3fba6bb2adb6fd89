import type { Credential } from "../protocol/frames.js";

/** A HELLO credential as text: the reference sends bin, others str. */
export function credentialText(credential: Credential): string {
  return typeof credential === "string" ? credential : Buffer.from(credential).toString("utf8");
}

/** A credential as msgpack bin, as the reference's client sends it. */
export function credentialBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "utf8"));
}
