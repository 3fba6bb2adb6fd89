import { contradiction } from "./constraints.js";
import { isDottedName, isIdentifier, paramName } from "./names.js";
import type { Diagnostic, IrEvent, IrField, IrMethod, IrParam, IrSchema, IrService, IrType } from "./types.js";
import { MAX_EVENT_NAME_LENGTH } from "pseud/protocol";
import { valueFits } from "./values.js";

/** What generated files import by name: a named type may not take one. */
const GENERATED_CODE_NAMES: ReadonlySet<string> = new Set([
  "z",
  "CallContext",
  "CallOptions",
  "Caller",
  "Client",
  "ClientPool",
  "PublishOptions",
  "Server",
  "callArguments",
  "validateArguments",
  "validatePayload",
  "validateResult",
]);

/**
 * Every schema mistake the IR shows, all of them (not only the first): names
 * that are not identifiers or dotted names, duplicates, a required parameter
 * after an optional one, `void` anywhere but a return, references to types
 * that do not exist, two services with one wire name, constraints no value
 * can meet, a default that is not a value of its type (the generated
 * `.default(v)` would not compile, or would hand the handler a bad value).
 */
export function checkSchema(schema: IrSchema): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (loc: Diagnostic["loc"], message: string): void => {
    diagnostics.push({ loc, message });
  };
  const typeNames = new Set(schema.types.map((t) => t.name));
  const resolve = (name: string) => schema.types.find((t) => t.name === name)?.type;

  const seenServices = new Map<string, IrService>();
  const seenTypeNames = new Map<string, IrService>();
  for (const service of schema.services) {
    if (!isDottedName(service.name) && !isIdentifier(service.name))
      report(service.loc, `service name ${JSON.stringify(service.name)} is not an identifier or dotted name`);
    const twin = seenServices.get(service.name);
    if (twin) report(service.loc, `service ${JSON.stringify(service.name)} is already declared at ${where(twin.loc)}`);
    seenServices.set(service.name, service);
    const typeTwin = seenTypeNames.get(service.typeName);
    if (typeTwin && typeTwin.name !== service.name)
      report(service.loc, `services ${JSON.stringify(typeTwin.name)} and ${JSON.stringify(service.name)} both generate ${service.typeName}`);
    seenTypeNames.set(service.typeName, service);
    checkMethods(service.methods, "method");
    checkMethods(service.clientMethods, "client method");
    checkEvents(service.events);
  }

  const seenTypes = new Map<string, Diagnostic["loc"]>();
  for (const named of schema.types) {
    if (!isIdentifier(named.name)) report(named.loc, `type name ${JSON.stringify(named.name)} is not an identifier`);
    else if (GENERATED_CODE_NAMES.has(named.name) || GENERATED_CODE_NAMES.has(`${named.name}Schema`))
      report(named.loc, `type name ${named.name} is taken by the generated code (it imports ${[...GENERATED_CODE_NAMES].join(", ")}); rename the type`);
    const twin = seenTypes.get(named.name);
    if (twin) report(named.loc, `type ${named.name} is already declared at ${where(twin)}`);
    seenTypes.set(named.name, named.loc);
    checkType(named.type, named.loc, `type ${named.name}`);
  }
  return diagnostics;

  function checkEvents(events: readonly IrEvent[]): void {
    const byName = new Map<string, IrEvent>();
    const byLocal = new Map<string, IrEvent>();
    for (const e of events) {
      if (!isDottedName(e.name) || e.name.length > MAX_EVENT_NAME_LENGTH) report(e.loc, `event name ${JSON.stringify(e.name)} is not an identifier or dotted name of at most ${MAX_EVENT_NAME_LENGTH} characters`);
      const twin = byName.get(e.name);
      if (twin) report(e.loc, `duplicate event ${JSON.stringify(e.name)} (first declared at ${where(twin.loc)})`);
      else {
        const localTwin = byLocal.get(e.localName);
        if (localTwin) report(e.loc, `events ${JSON.stringify(localTwin.name)} and ${JSON.stringify(e.name)} both generate ${e.localName}`);
      }
      byName.set(e.name, e);
      byLocal.set(e.localName, e);
      if (e.payload.kind === "void") report(e.loc, `payload of event ${e.name} is void: use null for an event that carries nothing`);
      else checkType(e.payload, e.loc, `payload of event ${e.name}`);
    }
  }

  function checkMethods(methods: readonly IrMethod[], what: string): void {
    const byName = new Map<string, IrMethod>();
    const byLocal = new Map<string, IrMethod>();
    for (const m of methods) {
      if (!isDottedName(m.name)) report(m.loc, `${what} name ${JSON.stringify(m.name)} is not an identifier or dotted name (letters, digits, _ and -)`);
      const twin = byName.get(m.name);
      if (twin) report(m.loc, `duplicate ${what} ${JSON.stringify(m.name)} (first declared at ${where(twin.loc)})`);
      else {
        const localTwin = byLocal.get(m.localName);
        if (localTwin)
          report(m.loc, `${what}s ${JSON.stringify(localTwin.name)} and ${JSON.stringify(m.name)} both generate ${m.localName}()`);
      }
      byName.set(m.name, m);
      byLocal.set(m.localName, m);
      if (!isIdentifier(m.domain)) report(m.loc, `domain ${JSON.stringify(m.domain)} of ${m.name} is not an identifier`);
      for (const error of m.errors)
        if (!/^[A-Z][A-Za-z0-9_]*$/.test(error)) report(m.loc, `error name ${JSON.stringify(error)} of ${m.name} is not an exception class name`);
      let optionalSeen: string | undefined;
      const params = new Set<string>();
      const locals = new Map<string, string>();
      for (const p of m.params) {
        if (!isIdentifier(p.name) || p.name === "__proto__")
          report(m.loc, `parameter name ${JSON.stringify(p.name)} of ${m.name} is not an identifier that can name a keyword argument on the wire`);
        if (params.has(p.name)) report(m.loc, `duplicate parameter ${JSON.stringify(p.name)} in ${m.name}`);
        params.add(p.name);
        const local = locals.get(paramName(p.name));
        if (local !== undefined && local !== p.name)
          report(m.loc, `parameters ${JSON.stringify(local)} and ${JSON.stringify(p.name)} of ${m.name} both generate ${paramName(p.name)}`);
        locals.set(paramName(p.name), p.name);
        if (p.optional) optionalSeen ??= p.name;
        else if (optionalSeen !== undefined)
          report(m.loc, `required parameter ${JSON.stringify(p.name)} of ${m.name} follows optional parameter ${JSON.stringify(optionalSeen)}`);
        checkType(p.type, m.loc, `parameter ${p.name} of ${m.name}`);
        checkDefault(p, m.loc, `parameter ${p.name} of ${m.name}`);
      }
      if (m.returns.kind !== "void") checkType(m.returns, m.loc, `return type of ${m.name}`);
    }
  }

  function checkDefault(slot: IrParam | IrField, loc: Diagnostic["loc"], what: string): void {
    if (slot.default === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(slot.default);
    } catch {
      return report(loc, `${what}: default ${slot.default} is not JSON`);
    }
    if (!valueFits(value, slot.type, resolve)) report(loc, `${what}: default ${slot.default} is not a value of its type`);
  }

  function checkType(type: IrType, loc: Diagnostic["loc"], what: string): void {
    const impossible = contradiction(type);
    if (impossible !== undefined) report(loc, `${what}: no value fits: ${impossible}`);
    switch (type.kind) {
      case "void":
        return report(loc, `void is only allowed as a return type (in ${what})`);
      case "ref":
        if (!typeNames.has(type.name)) report(loc, `${what} refers to unknown type ${type.name}`);
        return;
      case "array":
        return checkType(type.element, loc, what);
      case "record":
        return checkType(type.value, loc, what);
      case "tuple":
        return type.items.forEach((item) => checkType(item, loc, what));
      case "union":
        return type.members.forEach((member) => checkType(member, loc, what));
      case "object":
        for (const field of type.fields) {
          checkType(field.type, loc, what);
          checkDefault(field, loc, `${what}, field ${field.name}`);
        }
        return;
      case "primitive":
      case "literal":
      case "enum":
        return;
    }
  }
}

function where(loc: Diagnostic["loc"]): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}
