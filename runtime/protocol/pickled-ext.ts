/**
 * Python pseud's pickle-carrying msgpack extension types, by the Python type
 * each carries. Refused both ways: unpickling a peer's bytes is a
 * remote-code-execution hole in the reference, so we neither read them nor
 * send them (an ExtData of these types would reach a Python peer's pickle).
 */
export const PICKLED_EXT_TYPES: Readonly<Record<number, string>> = {
  123: "tzinfo",
  124: "timedelta",
  125: "datetime",
  126: "date",
};
