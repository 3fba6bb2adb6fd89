import { Node, type SourceFile } from "ts-morph";

/** A 1-based position in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where a Zod schema module writes its declarations, found in its syntax tree. */
export interface ZodDeclarationIndex {
  service(name: string): Position | undefined;
  /** Every `service("name", {...})` call written in the module, exported or not. */
  services(): readonly (readonly [name: string, at: Position])[];
  /** `group` is `methods` or `clientMethods`. */
  method(service: string, group: string, name: string): Position | undefined;
  exportedConst(name: string): Position | undefined;
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
  for (const statement of source.getVariableStatements()) {
    if (!statement.isExported()) continue;
    for (const declaration of statement.getDeclarations()) consts.set(declaration.getName(), at(declaration.getNameNode()));
  }
  source.forEachDescendant((node) => {
    if (!Node.isCallExpression(node)) return;
    const callee = node.getExpression().getText();
    if (callee !== "service" && !callee.endsWith(".service")) return;
    const [nameArg, specArg] = node.getArguments();
    if (!nameArg || !Node.isStringLiteral(nameArg) || !specArg || !Node.isObjectLiteralExpression(specArg)) return;
    const name = nameArg.getLiteralValue();
    services.set(name, at(node));
    for (const group of ["methods", "clientMethods"]) {
      const property = specArg.getProperty(group);
      const object = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
      if (!object || !Node.isObjectLiteralExpression(object)) continue;
      for (const entry of object.getProperties()) {
        if (!Node.isPropertyAssignment(entry)) continue;
        const key = entry.getNameNode();
        const method = Node.isStringLiteral(key) ? key.getLiteralValue() : key.getText();
        methods.set(`${name}\u0000${group}\u0000${method}`, at(key));
      }
    }
  });
  return {
    service: (name) => services.get(name),
    services: () => [...services],
    method: (service, group, name) => methods.get(`${service}\u0000${group}\u0000${name}`),
    exportedConst: (name) => consts.get(name),
  };
}
