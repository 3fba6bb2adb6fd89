import { randomFillSync } from "node:crypto";
import { MESSAGE_ID_LENGTH } from "./message-types.js";

/** Ids are cut from a pool of random bytes filled 256 at a time: one syscall per 256 calls, not one per call. */
const IDS_PER_FILL = 256;
let pool = Buffer.alloc(0);
let next = 0;

/**
 * A fresh MESSAGE_ID: 16 random bytes shaped as a uuid4, as the reference
 * sends: a view of the pool, no copy. A copy would come from Node's shared
 * 8 KiB Buffer pool, which it would pin just as a view pins this 4 KiB one,
 * and it cost a refill of Node's pool every few hundred calls (3% of a
 * client's samples at 100 calls in flight, with the copies of small bodies).
 */
export function newMessageId(): Buffer {
  if (next >= pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(IDS_PER_FILL * MESSAGE_ID_LENGTH));
    next = 0;
  }
  const id = pool.subarray(next, next + MESSAGE_ID_LENGTH);
  next += MESSAGE_ID_LENGTH;
  id[6] = ((id[6] as number) & 0x0f) | 0x40; // version 4
  id[8] = ((id[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  return id;
}
