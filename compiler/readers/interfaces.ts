import { type JSDoc, type Node, type Project, type SourceFile, type Symbol as MorphSymbol, type Type, ts } from "ts-morph";
import { Node as N } from "ts-morph";
import { localName, sortBy, typeName } from "../ir/names.js";
import { union } from "../ir/normalize.js";
import { type Constraint, constrain } from "../ir/constraints.js";
import { type Diagnostic, type IrEvent, type IrField, type IrMethod, type IrNamedType, type IrParam, type IrService, type IrType, type SourceLocation, STRING_FORMATS, type StringFormat } from "../ir/types.js";
import { locationIn } from "./source-files.js";
import type { ReadResult } from "./zod.js";

/**
 * TypeScript interface schema → IR, with ts-morph. An interface tagged
 * `@service <wire name>` is a service; one tagged `@clientMethods <wire
 * name>` holds the methods that service's clients offer; one tagged
 * `@events <wire name>` the events its server publishes, one property each
 * (the property's name is the event's wire name, its type the payload). Every other
 * exported interface or type alias is a named type. TSDoc carries what types
 * cannot say: `@domain`, `@errors`, `@param` documentation.
 */
export function readInterfaceFile(root: string, project: Project, file: string): ReadResult {
  const source = project.getSourceFileOrThrow(file);
  const diagnostics: Diagnostic[] = [];
  const named = new Map<string, IrNamedType>();
  const pendingNamed: { name: string; declaration: Node; type: Type }[] = [];
  const loc = (node: Node): SourceLocation => {
    const sf = node.getSourceFile();
    const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
    return locationIn(root, sf.getFilePath(), line, column);
  };

  const services = new Map<string, { iface: Node; tag: string }>();
  const clientSets = new Map<string, Node>();
  const eventSets = new Map<string, Node>();
  for (const iface of source.getInterfaces()) {
    const serviceTag = tagText(iface.getJsDocs(), "service");
    const clientTag = tagText(iface.getJsDocs(), "clientMethods");
    const eventsTag = tagText(iface.getJsDocs(), "events");
    if (eventsTag !== undefined) {
      if (eventsTag === "") diagnostics.push({ loc: loc(iface), message: `@events of ${iface.getName()} needs the service's wire name` });
      else eventSets.set(eventsTag, iface);
    } else if (serviceTag !== undefined) {
      if (serviceTag === "") diagnostics.push({ loc: loc(iface), message: `@service of ${iface.getName()} needs the service's wire name` });
      else services.set(serviceTag, { iface, tag: serviceTag });
    } else if (clientTag !== undefined) {
      if (clientTag === "") diagnostics.push({ loc: loc(iface), message: `@clientMethods of ${iface.getName()} needs the service's wire name` });
      else clientSets.set(clientTag, iface);
    } else if (iface.isExported()) {
      pendingNamed.push({ name: iface.getName(), declaration: iface, type: iface.getType() });
    }
  }
  for (const alias of source.getTypeAliases()) {
    if (alias.isExported()) pendingNamed.push({ name: alias.getName(), declaration: alias, type: alias.getType() });
  }
  for (const [tag, sets] of [["clientMethods", clientSets], ["events", eventSets]] as const) {
    for (const [wire, declaration] of sets) {
      if (!services.has(wire)) diagnostics.push({ loc: loc(declaration), message: `@${tag} names service ${JSON.stringify(wire)}, which this file does not declare` });
    }
  }

  const irServices: IrService[] = [];
  for (const [wire, { iface }] of services) {
    const client = clientSets.get(wire);
    irServices.push({
      name: wire,
      typeName: typeName(wire),
      doc: description(docsOf(iface)),
      methods: readMethods(iface),
      clientMethods: client ? readMethods(client) : [],
      events: readEvents(eventSets.get(wire)),
      loc: loc(iface),
    });
  }
  // Named types found while converting are converted too (they may be declared in other files).
  while (pendingNamed.length > 0) {
    const next = pendingNamed.shift() as (typeof pendingNamed)[number];
    if (named.has(next.name)) continue;
    const at = loc(next.declaration);
    named.set(next.name, { name: next.name, type: { kind: "primitive", name: "null" }, doc: description(docsOf(next.declaration)), loc: at });
    const what = `type ${next.name}`;
    const converted = convert(next.type, at, what, {
      self: next.declaration.getSymbol() ?? next.type.getAliasSymbol(),
      order: literalOrder(next.declaration),
      node: N.isTypeAliasDeclaration(next.declaration) ? next.declaration.getTypeNode() : undefined,
    });
    const { type } = applyTags(converted, next.declaration, what, "type", false);
    named.set(next.name, { ...(named.get(next.name) as IrNamedType), type });
  }
  return { services: irServices, types: sortBy([...named.values()], (t) => t.name), diagnostics };

  function readMethods(iface: Node): IrMethod[] {
    if (!N.isInterfaceDeclaration(iface)) return [];
    const methods: IrMethod[] = [];
    for (const member of iface.getMembers()) {
      if (!N.isMethodSignature(member)) {
        diagnostics.push({ loc: loc(member), message: `member of ${iface.getName()} is not a method signature; a service interface declares methods only` });
        continue;
      }
      const nameNode = member.getNameNode();
      const name = N.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
      const at = loc(member);
      const docs = member.getJsDocs();
      const params: IrParam[] = [];
      for (const param of member.getParameters()) {
        const pname = param.getName();
        if (param.isRestParameter()) {
          diagnostics.push({ loc: loc(param), message: `rest parameter ${pname} of ${name} is not supported` });
          continue;
        }
        const optional = param.hasQuestionToken();
        const what = `parameter ${pname} of ${name}`;
        const node = param.getTypeNode();
        const converted = convert(param.getType(), loc(param), what, { dropUndefined: optional, order: literalOrder(node), node });
        const { type, default: value } = applyTags(converted, param, what, "parameter", optional);
        params.push({ name: pname, type, optional, default: value, doc: paramDoc(docs, pname) });
      }
      const returnNode = member.getReturnTypeNode();
      let returns: IrType = { kind: "void" };
      if (returnNode === undefined) diagnostics.push({ loc: at, message: `method ${name} has no return type (write void for none)` });
      else {
        const what = `return type of ${name}`;
        returns = convertReturn(returnNode.getType(), at, what, literalOrder(returnNode), returnNode);
        // Constraint tags in a method's own doc constrain its result.
        if (returns.kind !== "void") returns = applyTags(returns, member, what, "result", false).type;
      }
      const errors = (tagText(docs, "errors") ?? "").split(/[\s,]+/).filter((e) => e !== "");
      methods.push({
        name,
        localName: localName(name),
        domain: tagText(docs, "domain") || "default",
        params,
        returns,
        errors: errors.sort(),
        doc: description(docs),
        loc: at,
      });
    }
    return sortBy(methods, (m) => m.name);
  }

  function readEvents(iface: Node | undefined): IrEvent[] {
    if (iface === undefined || !N.isInterfaceDeclaration(iface)) return [];
    const events: IrEvent[] = [];
    for (const member of iface.getMembers()) {
      if (!N.isPropertySignature(member) || member.hasQuestionToken()) {
        diagnostics.push({ loc: loc(member), message: `member of ${iface.getName()} is not an event: an events interface declares one required property per event, typed with its payload` });
        continue;
      }
      const nameNode = member.getNameNode();
      const name = N.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
      const at = loc(member);
      const what = `payload of event ${name}`;
      const node = member.getTypeNode();
      const converted = convert(member.getType(), at, what, { order: literalOrder(node), node });
      const { type } = applyTags(converted, member, what, "result", false);
      events.push({ name, localName: localName(name), payload: type, doc: description(member.getJsDocs()), loc: at });
    }
    return sortBy(events, (e) => e.name);
  }

  function convertReturn(type: Type, at: SourceLocation, what: string, order: readonly string[], node: Node | undefined): IrType {
    if (type.getSymbol()?.getName() === "Promise") {
      const [inner] = type.getTypeArguments();
      const [innerNode] = node && N.isTypeReference(node) ? node.getTypeArguments() : [];
      return inner ? convertReturn(inner, at, what, order, innerNode) : { kind: "void" };
    }
    if (type.getFlags() & ts.TypeFlags.Void) return { kind: "void" };
    return convert(type, at, what, { order, node });
  }

  /** How to convert a type; see {@link Converting}. */
  function convert(type: Type, at: SourceLocation, what: string, how: Converting = {}): IrType {
    const { self, dropUndefined = false, order = [] } = how;
    const node = how.node && N.isParenthesizedTypeNode(how.node) ? how.node.getTypeNode() : how.node;
    const unsupported = (message: string): IrType => {
      diagnostics.push({ loc: at, message: `${what}: ${message}` });
      return { kind: "primitive", name: "null" };
    };
    if (type.isIntersection()) {
      const parts = type.getIntersectionTypes();
      if (parts.some((p) => p.isNumber()) && parts.some((p) => p.getProperties().some((s) => s.getName().startsWith("__@INT_BRAND"))))
        return { kind: "primitive", name: "integer" };
      return unsupported("intersection types are not supported (use Int for integers)");
    }
    const userNamed = userDeclaredName(type, self) ?? writtenName(node, self);
    if (userNamed !== undefined) return userNamed;
    const flags = type.getFlags();
    if (type.isString()) return { kind: "primitive", name: "string" };
    if (type.isNumber()) return { kind: "primitive", name: "number" };
    if (type.isBoolean()) return { kind: "primitive", name: "boolean" };
    if (flags & ts.TypeFlags.BigInt) return { kind: "primitive", name: "bigint" };
    if (type.isNull()) return { kind: "primitive", name: "null" };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { kind: "literal", value: type.getLiteralValue() as string | number };
    if (type.isBooleanLiteral()) return { kind: "literal", value: type.getText() === "true" };
    if (flags & ts.TypeFlags.Void) return { kind: "void" };
    if (type.isUndefined()) return unsupported("undefined is not a wire type (make the field or parameter optional, or use null)");
    if (type.isAny() || type.isUnknown()) return unsupported(`${type.getText()} is not supported: say what the value is`);
    const inner = (t: Type, innerNode?: Node): IrType => convert(t, at, what, { order, node: innerNode });
    if (type.isUnion()) {
      const members = type.getUnionTypes().filter((m) => !(dropUndefined && m.isUndefined()));
      const rank = (m: Type) => {
        const i = order.indexOf(m.getLiteralValue() as string);
        return i === -1 ? order.length : i;
      };
      const strings = members.filter((m) => m.isStringLiteral()).sort((a, b) => rank(a) - rank(b));
      // A member's node, when the union is written here: `Email | null` keeps the name of Email = string.
      const nodeOf = (m: Type) => (node && N.isUnionTypeNode(node) ? node.getTypeNodes().find((n) => n.getType().compilerType === m.compilerType) : undefined);
      return union([...strings, ...members.filter((m) => !m.isStringLiteral())].map((m) => inner(m, nodeOf(m))));
    }
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === "Date") return { kind: "primitive", name: "date" };
    if (symbolName === "Uint8Array") return { kind: "primitive", name: "bytes" };
    if (symbolName === "Promise") return unsupported("Promise is only allowed as a return type");
    if (type.isArray() || symbolName === "ReadonlyArray") {
      const element = type.getArrayElementType() ?? type.getTypeArguments()[0];
      return element ? { kind: "array", element: inner(element, node && N.isArrayTypeNode(node) ? node.getElementTypeNode() : undefined) } : unsupported("array without an element type");
    }
    if (type.isTuple()) {
      const nodes = node && N.isTupleTypeNode(node) ? node.getElements().map((e) => (N.isNamedTupleMember(e) ? e.getTypeNode() : e)) : [];
      return { kind: "tuple", items: type.getTupleElements().map((t, i) => inner(t, nodes[i])) };
    }
    if (type.getCallSignatures().length > 0) return unsupported("functions cannot cross the wire");
    if (type.isObject()) {
      const index = type.getStringIndexType();
      const properties = type.getProperties();
      if (index !== undefined) {
        if (properties.length > 0) return unsupported("an object with both fields and an index signature is not supported");
        return { kind: "record", value: inner(index) };
      }
      if (type.getNumberIndexType() !== undefined) return unsupported("number index signatures are not supported (map keys are strings)");
      const declaration = type.getSymbol()?.getDeclarations()[0];
      if (declaration !== undefined && isLibrary(declaration.getSourceFile()) && !type.isAnonymous())
        return unsupported(`type ${type.getText()} is not supported`);
      const fields: IrField[] = [];
      for (const property of properties) {
        const declaration = property.getValueDeclaration() ?? property.getDeclarations()[0];
        if (declaration === undefined) continue;
        const optional = property.isOptional();
        const fieldWhat = `${what}, field ${property.getName()}`;
        const typeNode = N.isPropertySignature(declaration) ? declaration.getTypeNode() : undefined;
        const converted = convert(property.getTypeAtLocation(declaration), at, fieldWhat, { dropUndefined: optional, order: literalOrder(typeNode), node: typeNode });
        const { type: ftype, default: value } = applyTags(converted, declaration, fieldWhat, "field", optional);
        fields.push({ name: property.getName(), type: ftype, optional, default: value, doc: description(docsOf(declaration)) });
      }
      return { kind: "object", fields };
    }
    return unsupported(`type ${type.getText()} is not supported`);
  }

  /**
   * The constraint tags of a parameter, field or type alias, applied to its
   * type (to the members they fit, in a union: `@minLength` on
   * `string | null` constrains the string), and its `@default`. A bad tag
   * value is a diagnostic at the tag.
   */
  function applyTags(type: IrType, node: Node, what: string, holder: "parameter" | "field" | "type" | "result", optional: boolean): { type: IrType; default: string | undefined } {
    let constrained = type;
    let value: string | undefined;
    for (const tag of ts.getJSDocTags(node.compilerNode)) {
      const name = tag.tagName.text;
      const sf = node.getSourceFile();
      const { line, column } = sf.getLineAndColumnAtPos(tag.getStart(sf.compilerNode));
      const report = (message: string) => diagnostics.push({ loc: locationIn(root, sf.getFilePath(), line, column), message: `${what}: @${name}: ${message}` });
      if (!CONSTRAINT_TAGS.has(name)) {
        const meant = [...CONSTRAINT_TAGS].find((known) => known.toLowerCase() === name.toLowerCase());
        if (meant !== undefined) report(`unknown tag; did you mean @${meant}?`);
        continue;
      }
      const text = (ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
      if (name === "default") {
        if (holder === "type" || holder === "result") report(`a default goes on a parameter or a field, not on a ${holder}`);
        else if (!optional) report(`a ${holder} with a default may be left out: mark it optional (name?: T)`);
        else if (value !== undefined) report("given twice");
        else {
          const parsed = parseJson(text);
          if (parsed.ok) value = JSON.stringify(parsed.value);
          else report(`${JSON.stringify(text)} is not a JSON value (${parsed.message})`);
        }
        continue;
      }
      const constraint = parseConstraintTag(name, text);
      if (typeof constraint === "string") {
        report(constraint);
        continue;
      }
      const applied = constrainMembers(constrained, constraint);
      if (typeof applied === "string") report(applied);
      else constrained = applied;
    }
    return { type: constrained, default: value };
  }

  /** A type declared by the user (interface or type alias, outside libraries) is a named type: a ref, converted once. */
  function userDeclaredName(type: Type, self: MorphSymbol | undefined): IrType | undefined {
    if (type.getAliasTypeArguments().length > 0 || type.getTypeArguments().length > 0) return undefined;
    return namedRef(type.getAliasSymbol() ?? (type.isInterface() ? type.getSymbol() : undefined), self);
  }

  /**
   * A reference written to a user's alias the checker forgets (`type Email =
   * string` is just string to it, and `size?: Size` a new union with
   * undefined): a named type too, as in Zod, where `export const Email =
   * z.email()` is one.
   */
  function writtenName(node: Node | undefined, self: MorphSymbol | undefined): IrType | undefined {
    if (node === undefined || !N.isTypeReference(node) || node.getTypeArguments().length > 0) return undefined;
    const written = node.getTypeName().getSymbol();
    const symbol = written?.isAlias() ? written.getAliasedSymbol() : written;
    // Int is an intersection, an integer by structure, not a type of the user's.
    if (symbol?.getDeclarations()[0]?.getType().isIntersection()) return undefined;
    return namedRef(symbol, self);
  }

  function namedRef(symbol: MorphSymbol | undefined, self: MorphSymbol | undefined): IrType | undefined {
    if (symbol === undefined || symbol === self) return undefined;
    const declaration = symbol.getDeclarations()[0];
    if (declaration === undefined || isLibrary(declaration.getSourceFile())) return undefined;
    if (!N.isInterfaceDeclaration(declaration) && !N.isTypeAliasDeclaration(declaration)) return undefined;
    const name = symbol.getName();
    if (!named.has(name) && !pendingNamed.some((p) => p.name === name)) pendingNamed.push({ name, declaration, type: declaration.getType() });
    return { kind: "ref", name };
  }
}

function isLibrary(file: SourceFile): boolean {
  return file.isDeclarationFile() || file.isInNodeModules();
}

function docsOf(node: Node): JSDoc[] {
  return N.isJSDocable(node) ? node.getJsDocs() : [];
}

/** The free text of the last doc comment, or undefined. */
function description(docs: readonly JSDoc[]): string | undefined {
  const text = docs.at(-1)?.getDescription().trim();
  return text === undefined || text === "" ? undefined : text;
}

/** The text of a tag (`@service greeter` → `greeter`); "" when the tag has no text; undefined when absent. */
function tagText(docs: readonly JSDoc[], name: string): string | undefined {
  for (const doc of docs) {
    for (const tag of doc.getTags()) if (tag.getTagName() === name) return (tag.getCommentText() ?? "").trim();
  }
  return undefined;
}

function paramDoc(docs: readonly JSDoc[], name: string): string | undefined {
  for (const doc of docs) {
    for (const tag of doc.getTags()) {
      if (N.isJSDocParameterTag(tag) && tag.getName() === name) {
        const text = (tag.getCommentText() ?? "").replace(/^\s*-\s*/, "").trim();
        return text === "" ? undefined : text;
      }
    }
  }
  return undefined;
}

/** How {@link readInterfaceFile}'s convert works on a type. */
interface Converting {
  /** The named type being defined: expanded, not referred to. */
  readonly self?: MorphSymbol | undefined;
  /** An optional parameter's or field's type: `| undefined` is its optionality, not part of the type. */
  readonly dropUndefined?: boolean;
  /**
   * The string literals of the declaration being converted, as written. The
   * checker's union order is its own; an enum keeps the order a person
   * wrote, as a Zod enum does.
   */
  readonly order?: readonly string[];
  /** The type as written here, when it is: it names aliases the checker forgets. */
  readonly node?: Node | undefined;
}

/** The TSDoc tags that constrain a parameter, field or type alias (JSON Schema's names), and `@default`. */
const CONSTRAINT_TAGS: ReadonlySet<string> = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "default",
]);

/** A constraint tag's text → the constraint, or what is wrong with it. */
function parseConstraintTag(name: string, text: string): Constraint | string {
  switch (name) {
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return `needs a whole number of 0 or more, not ${JSON.stringify(text)}`;
      return { kind: name, value: Number(text) };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "multipleOf": {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(Number(text))) return `needs a number, not ${JSON.stringify(text)}`;
      const value = Number(text);
      if (name === "multipleOf") return { kind: "multipleOf", value };
      return { kind: name.endsWith("inimum") ? "min" : "max", bound: { value, exclusive: name.startsWith("exclusive") } };
    }
    case "pattern": {
      // `/source/flags` carries flags; any other text is the source itself.
      const slashed = /^\/(.+)\/([a-z]*)$/s.exec(text);
      const [source, flags] = slashed ? [slashed[1] ?? "", slashed[2] ?? ""] : [text, ""];
      if (source === "") return "needs a regular expression";
      try {
        const re = new RegExp(source, flags);
        return { kind: "pattern", pattern: { source: re.source, flags: re.flags } };
      } catch (error) {
        return `not a regular expression: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    case "format":
      return (STRING_FORMATS as readonly string[]).includes(text)
        ? { kind: "format", format: text as StringFormat }
        : `unknown format ${JSON.stringify(text)} (formats: ${STRING_FORMATS.join(", ")})`;
    default:
      return `is not a constraint tag`;
  }
}

/** A constraint on a type, or on the members of a union it fits (`string | null`); a message when it fits nothing. */
function constrainMembers(type: IrType, c: Constraint): IrType | string {
  if (type.kind === "ref") return `a constraint on a use of named type ${type.name} is not supported; put it on the type's declaration`;
  if (type.kind !== "union") return constrain(type, c);
  let message: string | undefined;
  const members = type.members.map((m) => {
    const applied = constrain(m, c);
    if (typeof applied !== "string") return applied;
    message ??= applied;
    return m;
  });
  return members.every((m, i) => m === type.members[i]) ? message ?? `${c.kind} fits no member of this union` : union(members);
}

/** The string literals of a declaration's type, in the order written. */
function literalOrder(node: Node | undefined): string[] {
  if (node === undefined) return [];
  return [node, ...node.getDescendants()].flatMap((n) => {
    if (!N.isLiteralTypeNode(n)) return [];
    const literal = n.getLiteral();
    return N.isStringLiteral(literal) ? [literal.getLiteralValue()] : [];
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
