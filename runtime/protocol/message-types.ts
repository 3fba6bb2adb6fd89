/**
 * The message types of pseud protocol v1 and their type bytes: the one table
 * of them in the project; everything else derives from it.
 */
export const MESSAGE_TYPES = {
  OK: 0x01,
  HELLO: 0x02,
  WORK: 0x03,
  AUTHENTICATED: 0x04,
  HEARTBEAT: 0x06,
  ERROR: 0x10,
  UNAUTHORIZED: 0x11,
} as const;

/** The name of a message type: `"WORK"`, `"OK"`… */
export type MessageType = keyof typeof MESSAGE_TYPES;

/** Type byte → name, for decoding. */
export const TYPE_BY_BYTE: ReadonlyMap<number, MessageType> = new Map(
  (Object.entries(MESSAGE_TYPES) as [MessageType, number][]).map(([name, byte]) => [byte, name]),
);

/** The types whose body is utf-8 text rather than msgpack. */
export const TEXT_BODY_TYPES: ReadonlySet<MessageType> = new Set(["AUTHENTICATED", "UNAUTHORIZED", "HEARTBEAT"]);

/** The VERSION frame: the utf-8 bytes `v1`. */
export const VERSION_V1: Buffer = Buffer.from("v1", "utf8");

/** Length of a MESSAGE_ID frame (a uuid4); HEARTBEAT carries an empty one. */
export const MESSAGE_ID_LENGTH = 16;
