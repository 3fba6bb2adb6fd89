/**
 * The rules of `pseud breaking`: a stable ID each, whether it breaks peers
 * already deployed, and one line on why. Rules on a service's methods assume
 * old clients calling a new server; rules prefixed CLIENT_ are on the methods
 * clients offer, which a new server calls on old clients: the roles swap, so
 * the same change can be safe on one side and breaking on the other. Rules
 * prefixed EVENT_ are on the events a new server publishes to old clients:
 * a payload is a result the server produces, so it may only narrow.
 */
export const RULES = {
  SERVICE_REMOVED: { breaking: true, why: "a service was removed or renamed: its clients reach no server (the wire name is the contract)" },
  SERVICE_ADDED: { breaking: false, why: "a service was added" },
  METHOD_REMOVED: { breaking: true, why: "a method was removed or renamed: old callers get ServiceNotFoundError" },
  METHOD_ADDED: { breaking: false, why: "a method was added" },
  DOMAIN_CHANGED: { breaking: true, why: "a method moved to another domain: callers its old predicate admitted may be refused" },
  PARAM_ADDED_REQUIRED: { breaking: true, why: "a required parameter was added: old callers do not send it" },
  PARAM_ADDED_OPTIONAL: { breaking: false, why: "an optional parameter was appended" },
  PARAM_REMOVED: { breaking: true, why: "a parameter was removed: old callers still send it, and positional arguments shift" },
  PARAM_RENAMED: { breaking: true, why: "a parameter was renamed: callers passing it by keyword fail" },
  PARAM_REORDERED: { breaking: true, why: "parameters were reordered: positional arguments land in the wrong place" },
  PARAM_MADE_REQUIRED: { breaking: true, why: "an optional parameter was made required: old callers may leave it out" },
  PARAM_MADE_OPTIONAL: { breaking: false, why: "a required parameter was made optional" },
  PARAM_TYPE_NARROWED: { breaking: true, why: "a parameter accepts less than before: some values old callers send are refused" },
  PARAM_TYPE_WIDENED: { breaking: false, why: "a parameter accepts more than before" },
  PARAM_TYPE_CHANGED: { breaking: true, why: "a parameter's type changed into one that neither contains nor is contained in the old" },
  RETURN_TYPE_WIDENED: { breaking: true, why: "the result may now be a value old callers do not expect (null, a new union member, a field gone or optional)" },
  RETURN_TYPE_NARROWED: { breaking: false, why: "the result is a narrower type than before" },
  RETURN_TYPE_CHANGED: { breaking: true, why: "the result's type changed into one that neither contains nor is contained in the old" },
  ERROR_ADDED: {
    breaking: true,
    why: "a declared error was added: callers that handle every declared error meet one they do not handle (like a new union member in the result)",
  },
  ERROR_REMOVED: { breaking: false, why: "a declared error was removed: callers handle one error that no longer comes" },

  CLIENT_METHOD_REMOVED: { breaking: false, why: "a client method was removed: the new server no longer calls it" },
  CLIENT_METHOD_ADDED: { breaking: true, why: "a client method was added: the new server calls it on old clients, which lack it" },
  CLIENT_DOMAIN_CHANGED: { breaking: true, why: "a client method moved to another domain: the server may be refused" },
  CLIENT_PARAM_ADDED: { breaking: true, why: "a client method parameter was added: old clients refuse the extra argument the new server sends" },
  CLIENT_PARAM_REMOVED: { breaking: true, why: "a required client method parameter was removed: old clients still require it" },
  CLIENT_OPTIONAL_PARAM_REMOVED: { breaking: false, why: "an optional client method parameter was removed: old clients manage without it" },
  CLIENT_PARAM_RENAMED: { breaking: true, why: "a client method parameter was renamed: a server passing it by keyword fails" },
  CLIENT_PARAM_REORDERED: { breaking: true, why: "client method parameters were reordered: positional arguments land in the wrong place" },
  CLIENT_PARAM_MADE_REQUIRED: { breaking: false, why: "a client method parameter was made required: the new server always sends it" },
  CLIENT_PARAM_MADE_OPTIONAL: { breaking: true, why: "a client method parameter was made optional: the new server may leave out what old clients require" },
  CLIENT_PARAM_TYPE_NARROWED: { breaking: false, why: "a client method parameter was narrowed: the new server sends a subset of what old clients accept" },
  CLIENT_PARAM_TYPE_WIDENED: { breaking: true, why: "a client method parameter was widened: the new server may send values old clients refuse" },
  CLIENT_PARAM_TYPE_CHANGED: { breaking: true, why: "a client method parameter's type changed into an unrelated one" },
  CLIENT_RETURN_TYPE_WIDENED: { breaking: false, why: "a client method's result was widened: the new server accepts what old clients return" },
  CLIENT_RETURN_TYPE_NARROWED: { breaking: true, why: "a client method's result was narrowed: old clients may return values the new server refuses" },
  CLIENT_RETURN_TYPE_CHANGED: { breaking: true, why: "a client method's result type changed into an unrelated one" },
  CLIENT_ERROR_ADDED: { breaking: false, why: "a declared client method error was added: the new server handles more" },
  CLIENT_ERROR_REMOVED: { breaking: true, why: "a declared client method error was removed: old clients may still raise it" },

  EVENT_REMOVED: { breaking: true, why: "an event was removed or renamed: old clients subscribed to it never receive it again" },
  EVENT_ADDED: { breaking: false, why: "an event was added: old clients do not subscribe to it" },
  EVENT_PAYLOAD_WIDENED: { breaking: true, why: "an event's payload may now be a value old subscribers refuse (their validators drop it)" },
  EVENT_PAYLOAD_NARROWED: { breaking: false, why: "an event's payload is a narrower type than before" },
  EVENT_PAYLOAD_CHANGED: { breaking: true, why: "an event's payload changed into a type that neither contains nor is contained in the old" },
} as const satisfies Record<string, { breaking: boolean; why: string }>;

/** A rule's stable ID. */
export type RuleId = keyof typeof RULES;

/** Every rule ID, for validating --ignore and the config's allow-list. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
