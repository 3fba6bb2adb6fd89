import { ValidationError, type ValidationIssue } from "./errors.js";

/**
 * What generated code validates with: the `safeParse` of a Zod schema, named
 * structurally so that the runtime does not depend on Zod.
 */
export interface Validator<T> {
  safeParse(
    value: unknown,
  ): { readonly success: true; readonly data: T } | { readonly success: false; readonly error: { readonly issues: readonly ValidationIssue[] } };
}

/** A parameter's name and validator, in order. */
export type ParamValidator = readonly [name: string, validator: Validator<unknown>];

/**
 * Validates positional arguments (keyword arguments already mapped onto them)
 * against a method's parameters. Returns the parsed values (defaults
 * applied); throws {@link ValidationError} naming every bad parameter and the
 * path inside it.
 */
export function validateArguments(method: string, params: readonly ParamValidator[], args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const problems: string[] = [];
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < params.length; i++) {
    const [name, validator] = params[i] as ParamValidator;
    const result = requireZod4(validator).safeParse(args[i]);
    if (result.success) out.push(result.data);
    else {
      for (const issue of result.error.issues) {
        issues.push({ path: [name, ...issue.path], message: issue.message });
        problems.push(`argument '${name}'${pathText(issue.path)}: ${issue.message}`);
      }
    }
  }
  if (problems.length > 0) throw new ValidationError(`invalid arguments to ${method}: ${problems.join("; ")}`, issues);
  return out;
}

/** Validates a reply against a method's return type; throws {@link ValidationError}. */
export function validateResult<T>(method: string, validator: Validator<T>, value: unknown): T {
  const result = requireZod4(validator).safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `result${pathText(issue.path)}: ${issue.message}`);
  throw new ValidationError(`invalid reply from ${method}: ${problems.join("; ")}`, result.error.issues);
}

/** Validates an event's payload, on publishing and on receipt; throws {@link ValidationError}. */
export function validatePayload<T>(event: string, validator: Validator<T>, value: unknown): T {
  const result = requireZod4(validator).safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `payload${pathText(issue.path)}: ${issue.message}`);
  throw new ValidationError(`invalid payload of event ${event}: ${problems.join("; ")}`, result.error.issues);
}

/**
 * Generated validators are Zod 4 schemas (they carry `_zod`). A Zod 3 schema
 * would parse, but with other error shapes and defaults: say so plainly
 * instead of misbehaving later.
 */
function requireZod4<T>(validator: Validator<T>): Validator<T> {
  if (typeof validator === "object" && validator !== null && "_zod" in validator) return validator;
  throw new TypeError("pseud needs zod 4: a generated validator is not a Zod 4 schema (is zod 3 installed? npm install zod@^4)");
}

/** `.point.x[0]` for a path. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("");
}
