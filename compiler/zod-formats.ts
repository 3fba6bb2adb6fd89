import { z } from "zod";
import type { StringFormat } from "./ir/types.js";

/**
 * The Zod schema of each string format, with its default options: as
 * generated validators write it (`call`), and live (`make`), so that the Zod
 * reader can tell a check it can carry (equal to the default) from one with
 * options it cannot (`z.email({ pattern })`, `z.url({ hostname })`), and
 * defaults can be tested the way the generated validator will test them.
 */
export const ZOD_FORMATS: { readonly [F in StringFormat]: { readonly call: string; readonly make: () => z.ZodType<string> } } = {
  email: { call: "z.email()", make: () => z.email() },
  uuid: { call: "z.uuid()", make: () => z.uuid() },
  uuidv4: { call: "z.uuidv4()", make: () => z.uuidv4() },
  uuidv6: { call: "z.uuidv6()", make: () => z.uuidv6() },
  uuidv7: { call: "z.uuidv7()", make: () => z.uuidv7() },
  guid: { call: "z.guid()", make: () => z.guid() },
  url: { call: "z.url()", make: () => z.url() },
  emoji: { call: "z.emoji()", make: () => z.emoji() },
  nanoid: { call: "z.nanoid()", make: () => z.nanoid() },
  cuid: { call: "z.cuid()", make: () => z.cuid() },
  cuid2: { call: "z.cuid2()", make: () => z.cuid2() },
  ulid: { call: "z.ulid()", make: () => z.ulid() },
  xid: { call: "z.xid()", make: () => z.xid() },
  ksuid: { call: "z.ksuid()", make: () => z.ksuid() },
  ipv4: { call: "z.ipv4()", make: () => z.ipv4() },
  ipv6: { call: "z.ipv6()", make: () => z.ipv6() },
  cidrv4: { call: "z.cidrv4()", make: () => z.cidrv4() },
  cidrv6: { call: "z.cidrv6()", make: () => z.cidrv6() },
  base64: { call: "z.base64()", make: () => z.base64() },
  base64url: { call: "z.base64url()", make: () => z.base64url() },
  e164: { call: "z.e164()", make: () => z.e164() },
  jwt: { call: "z.jwt()", make: () => z.jwt() },
  datetime: { call: "z.iso.datetime()", make: () => z.iso.datetime() },
  date: { call: "z.iso.date()", make: () => z.iso.date() },
  time: { call: "z.iso.time()", make: () => z.iso.time() },
  duration: { call: "z.iso.duration()", make: () => z.iso.duration() },
};
