/**
 * Z85 (ZeroMQ RFC 32), the text form of CURVE keys: 4 bytes ↔ 5 characters.
 * zeromq.js takes keys as Z85 text but exposes no codec, and the runtime must
 * also accept raw 32-byte keys and check what it is given.
 */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DECODE = new Map([...ALPHABET].map((char, i) => [char, i] as const));

/** Encodes bytes (a multiple of 4) as Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError(`Z85 encodes a multiple of 4 bytes, not ${bytes.length}`);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = (((bytes[i] as number) << 24) >>> 0) + ((bytes[i + 1] as number) << 16) + ((bytes[i + 2] as number) << 8) + (bytes[i + 3] as number);
    const chunk: string[] = [];
    for (let j = 0; j < 5; j++) {
      chunk.unshift(ALPHABET[value % 85] as string);
      value = Math.floor(value / 85);
    }
    out += chunk.join("");
  }
  return out;
}

/** Decodes Z85 text (a multiple of 5 characters); undefined when it is not Z85. */
export function z85Decode(text: string): Uint8Array | undefined {
  if (text.length % 5 !== 0) return undefined;
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const digit = DECODE.get(text[i + j] as string);
      if (digit === undefined) return undefined;
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) return undefined;
    const at = (i / 5) * 4;
    out[at] = value >>> 24;
    out[at + 1] = (value >>> 16) & 0xff;
    out[at + 2] = (value >>> 8) & 0xff;
    out[at + 3] = value & 0xff;
  }
  return out;
}
