/**
 * `pseud/protocol`: pseud protocol v1 below the client and server, for
 * tools, tests and other implementations: frames ⇄ messages, the msgpack
 * codec as pseud peers speak it, message ids, and Z85 (ZeroMQ's text form of
 * CURVE keys). A service does not need any of it: `pseud` is its entry.
 */
export { decodeValue, encodeValue, MAX_RETAINED_ENCODE_BUFFER } from "./codec.js";
export { EVENT_METHOD, eventNames, MAX_EVENT_NAME_LENGTH, MAX_SUBSCRIBED_NAMES, SUBSCRIBE_METHOD, UNSUBSCRIBE_METHOD } from "./events.js";
export { type Credential, type Decoded, decodeFrames, encodeMessage, type Failure, type Message, type Work } from "./frames.js";
export { newMessageId } from "./message-id.js";
export type { MessageType } from "./message-types.js";
export { z85Decode, z85Encode } from "./z85.js";
