import { type JSDoc, type Node, type Project, type SourceFile, type Symbol as MorphSymbol, type Type, ts } from "ts-morph";
import { Node as N } from "ts-morph";
import { localName, sortBy, typeName } from "../ir/names.js";
import { union } from "../ir/normalize.js";
import type { Diagnostic, IrField, IrMethod, IrNamedType, IrParam, IrService, IrType, SourceLocation } from "../ir/types.js";
import { locationIn } from "./source-files.js";
import type { ReadResult } from "./zod.js";

/**
 * TypeScript interface schema → IR, with ts-morph. An interface tagged
 * `@service <wire name>` is a service; one tagged `@clientMethods <wire
 * name>` holds the methods that service's clients offer. Every other
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
  for (const iface of source.getInterfaces()) {
    const serviceTag = tagText(iface.getJsDocs(), "service");
    const clientTag = tagText(iface.getJsDocs(), "clientMethods");
    if (serviceTag !== undefined) {
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
  for (const [wire, declaration] of clientSets) {
    if (!services.has(wire)) diagnostics.push({ loc: loc(declaration), message: `@clientMethods names service ${JSON.stringify(wire)}, which this file does not declare` });
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
      loc: loc(iface),
    });
  }
  // Named types found while converting are converted too (they may be declared in other files).
  while (pendingNamed.length > 0) {
    const next = pendingNamed.shift() as (typeof pendingNamed)[number];
    if (named.has(next.name)) continue;
    const at = loc(next.declaration);
    named.set(next.name, { name: next.name, type: { kind: "primitive", name: "null" }, doc: description(docsOf(next.declaration)), loc: at });
    const type = convert(next.type, at, `type ${next.name}`, next.declaration.getSymbol() ?? next.type.getAliasSymbol());
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
        const ptype = convert(param.getType(), loc(param), `parameter ${pname} of ${name}`, undefined, optional);
        params.push({ name: pname, type: ptype, optional, doc: paramDoc(docs, pname) });
      }
      const returnNode = member.getReturnTypeNode();
      let returns: IrType = { kind: "void" };
      if (returnNode === undefined) diagnostics.push({ loc: at, message: `method ${name} has no return type (write void for none)` });
      else returns = convertReturn(returnNode.getType(), at, `return type of ${name}`);
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

  function convertReturn(type: Type, at: SourceLocation, what: string): IrType {
    if (type.getSymbol()?.getName() === "Promise") {
      const [inner] = type.getTypeArguments();
      return inner ? convertReturn(inner, at, what) : { kind: "void" };
    }
    if (type.getFlags() & ts.TypeFlags.Void) return { kind: "void" };
    return convert(type, at, what);
  }

  function convert(type: Type, at: SourceLocation, what: string, self?: MorphSymbol, dropUndefined = false): IrType {
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
    const userNamed = userDeclaredName(type, self);
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
    if (type.isUnion()) {
      const members = type.getUnionTypes().filter((m) => !(dropUndefined && m.isUndefined()));
      return union(members.map((m) => convert(m, at, what)));
    }
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === "Date") return { kind: "primitive", name: "date" };
    if (symbolName === "Uint8Array") return { kind: "primitive", name: "bytes" };
    if (symbolName === "Promise") return unsupported("Promise is only allowed as a return type");
    if (type.isArray() || symbolName === "ReadonlyArray") {
      const element = type.getArrayElementType() ?? type.getTypeArguments()[0];
      return element ? { kind: "array", element: convert(element, at, what) } : unsupported("array without an element type");
    }
    if (type.isTuple()) return { kind: "tuple", items: type.getTupleElements().map((t) => convert(t, at, what)) };
    if (type.getCallSignatures().length > 0) return unsupported("functions cannot cross the wire");
    if (type.isObject()) {
      const index = type.getStringIndexType();
      const properties = type.getProperties();
      if (index !== undefined) {
        if (properties.length > 0) return unsupported("an object with both fields and an index signature is not supported");
        return { kind: "record", value: convert(index, at, what) };
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
        const ftype = convert(property.getTypeAtLocation(declaration), at, `${what}, field ${property.getName()}`, undefined, optional);
        fields.push({ name: property.getName(), type: ftype, optional, doc: description(docsOf(declaration)) });
      }
      return { kind: "object", fields };
    }
    return unsupported(`type ${type.getText()} is not supported`);
  }

  /** A type declared by the user (interface or type alias, outside libraries) is a named type: a ref, converted once. */
  function userDeclaredName(type: Type, self: MorphSymbol | undefined): IrType | undefined {
    const symbol = type.getAliasSymbol() ?? (type.isInterface() ? type.getSymbol() : undefined);
    if (symbol === undefined || symbol === self) return undefined;
    const declaration = symbol.getDeclarations()[0];
    if (declaration === undefined || isLibrary(declaration.getSourceFile())) return undefined;
    if (!N.isInterfaceDeclaration(declaration) && !N.isTypeAliasDeclaration(declaration)) return undefined;
    if (type.getAliasTypeArguments().length > 0 || type.getTypeArguments().length > 0) return undefined;
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
