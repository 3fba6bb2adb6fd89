import { Node, type PropertyAssignment, type SourceFile } from "ts-morph";

/** A 1-based position in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * A piece of a schema module that holds one schema: an exported const's
 * initializer, a method's parameter, a method's return type. Built with
 * {@link scopes}.
 */
export type Scope = string & { readonly __scope: never };

/** The scopes of a schema module, by what they hold. */
export const scopes = {
  exported: (name: string) => `const\u0000${name}` as Scope,
  param: (service: string, group: string, method: string, param: string) => `param\u0000${service}\u0000${group}\u0000${method}\u0000${param}` as Scope,
  returns: (service: string, group: string, method: string) => `returns\u0000${service}\u0000${group}\u0000${method}` as Scope,
};

/** Where a Zod schema module writes its declarations, found in its syntax tree. */
export interface ZodDeclarationIndex {
  service(name: string): Position | undefined;
  /** Every `service("name", {...})` call written in the module, exported or not. */
  services(): readonly (readonly [name: string, at: Position])[];
  /** `group` is `methods`, `clientMethods` or `events`. */
  method(service: string, group: string, name: string): Position | undefined;
  exportedConst(name: string): Position | undefined;
  /**
   * Where, in a scope, a call to one of `names` is written (`refine` finds
   * `.refine(` and `z.refine(`), the first in source order, within the
   * object field at `path` (field names, outermost first) when it is written
   * there; else where that field's or the scope's name is; undefined when
   * the scope is not written plainly (built by a helper).
   */
  find(scope: Scope, path: readonly string[], names: readonly string[]): Position | undefined;
  /** Every `.default(...)` written with a function: a value computed at each parse, which generated code cannot carry. */
  functionDefaults(): readonly Position[];
}

/**
 * Indexes `service("name", { methods: { hello: method(...) } })` calls and
 * exported consts by their place in the source, so diagnostics name the line
 * a person wrote, whichever loader ran the module. Declarations built
 * indirectly (spreads, helpers) are not found here; the reader then falls
 * back to the call-site position the schema API recorded.
 */
export function indexZodDeclarations(source: SourceFile): ZodDeclarationIndex {
  const at = (node: Node): Position => source.getLineAndColumnAtPos(node.getStart());
  const services = new Map<string, Position>();
  const methods = new Map<string, Position>();
  const consts = new Map<string, Position>();
  const held = new Map<Scope, { name: Node; schema: Node }>();
  const functionDefaults: Position[] = [];
  for (const statement of source.getVariableStatements()) {
    if (!statement.isExported()) continue;
    for (const declaration of statement.getDeclarations()) {
      consts.set(declaration.getName(), at(declaration.getNameNode()));
      const initializer = declaration.getInitializer();
      if (initializer) held.set(scopes.exported(declaration.getName()), { name: declaration.getNameNode(), schema: initializer });
    }
  }
  source.forEachDescendant((node) => {
    if (!Node.isCallExpression(node)) return;
    const [firstArgument] = node.getArguments();
    if (calleeName(node) === "default" && firstArgument && (Node.isArrowFunction(firstArgument) || Node.isFunctionExpression(firstArgument)))
      functionDefaults.push(at(calleeNode(node)));
    const callee = node.getExpression().getText();
    if (callee !== "service" && !callee.endsWith(".service")) return;
    const [nameArg, specArg] = node.getArguments();
    if (!nameArg || !Node.isStringLiteral(nameArg) || !specArg || !Node.isObjectLiteralExpression(specArg)) return;
    const name = nameArg.getLiteralValue();
    services.set(name, at(node));
    for (const group of ["methods", "clientMethods", "events"]) {
      const property = specArg.getProperty(group);
      const object = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
      if (!object || !Node.isObjectLiteralExpression(object)) continue;
      for (const entry of object.getProperties()) {
        if (!Node.isPropertyAssignment(entry)) continue;
        const key = entry.getNameNode();
        const method = propertyName(entry);
        methods.set(`${name}\u0000${group}\u0000${method}`, at(key));
        indexMethodSchemas(name, group, method, entry.getInitializer());
      }
    }
  });
  /** `method({ params: { p: <schema> }, returns: <schema> })`, or `event({ payload: <schema> })` (its scope is a result's): each schema's scope. */
  function indexMethodSchemas(service: string, group: string, method: string, call: Node | undefined): void {
    const [spec] = call && Node.isCallExpression(call) ? call.getArguments() : [];
    if (!spec || !Node.isObjectLiteralExpression(spec)) return;
    const params = spec.getProperty("params");
    const paramsObject = params && Node.isPropertyAssignment(params) ? params.getInitializer() : undefined;
    if (paramsObject && Node.isObjectLiteralExpression(paramsObject)) {
      for (const param of paramsObject.getProperties()) {
        if (!Node.isPropertyAssignment(param)) continue;
        const schema = param.getInitializer();
        if (schema) held.set(scopes.param(service, group, method, propertyName(param)), { name: param.getNameNode(), schema });
      }
    }
    const returns = spec.getProperty("returns") ?? spec.getProperty("payload");
    const schema = returns && Node.isPropertyAssignment(returns) ? returns.getInitializer() : undefined;
    if (returns && Node.isPropertyAssignment(returns) && schema) held.set(scopes.returns(service, group, method), { name: returns.getNameNode(), schema });
  }

  function find(scope: Scope, path: readonly string[], names: readonly string[]): Position | undefined {
    let where = held.get(scope);
    if (where === undefined) return undefined;
    for (const field of path) {
      const property: PropertyAssignment | undefined = where.schema.getDescendants().find((node): node is PropertyAssignment => Node.isPropertyAssignment(node) && propertyName(node) === field);
      const schema: Node | undefined = property?.getInitializer();
      if (property === undefined || schema === undefined) break; // written indirectly: the nearest place found
      where = { name: property.getNameNode(), schema };
    }
    const call = [where.schema, ...where.schema.getDescendants()].find((node) => names.includes(calleeName(node) ?? ""));
    return call ? at(calleeNode(call)) : at(where.name);
  }

  return {
    find,
    functionDefaults: () => functionDefaults,
    service: (name) => services.get(name),
    services: () => [...services],
    method: (service, group, name) => methods.get(`${service}\u0000${group}\u0000${name}`),
    exportedConst: (name) => consts.get(name),
  };
}

/** The name a call calls: `refine` for `z.string().refine(...)` and for `refine(...)`; undefined for anything else. */
function calleeName(node: Node): string | undefined {
  return Node.isCallExpression(node) ? calleeNode(node).getText() : undefined;
}

/** The node naming what a call calls: `refine` in `z.string().refine(...)`. */
function calleeNode(call: Node): Node {
  const callee = Node.isCallExpression(call) ? call.getExpression() : call;
  return Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
}

/** A property's name as an object key: `"string.lower"` → `string.lower`. */
function propertyName(property: PropertyAssignment): string {
  const key = property.getNameNode();
  return Node.isStringLiteral(key) ? key.getLiteralValue() : key.getText();
}
