import type { z } from "@hono/zod-openapi";

/** One problem with a request: where (a path into the body) and what. */
export interface Issue {
  /** Where: the keys and indices from the body's root to the bad value. */
  path: PropertyKey[];
  /** What was expected and what was found. */
  message: string;
}

/** The parsed data, or the issues (one per bad field, each at its first bad element). */
export type Validated<T> = { success: true; data: T } | { success: false; issues: Issue[] };

/**
 * zod's `abortEarly`: a container stops at its first bad child. zod sets it for its own
 * `schema.validate()` (a boolean), which cannot say what is wrong; `safeParse` takes it too
 * (`ParseContextInternal`, zod 4.6), and `tests/validation_test.ts` holds it to stopping.
 */
const STOP_EARLY = { abortEarly: true } as z.core.ParseContext<z.core.$ZodIssue>;

/**
 * Validates `value` with `schema`, stopping at the first bad element of each field: validation
 * that stops early: a request is checked against its zod schema without one issue
 * object per bad element, and each issue says what was expected and what was found.
 *
 * Why: zod collects every issue of a failing parse, and a union collects one per branch, so
 * `/v1/logsumexp` with `x` = 10⁶ × `true` built 10⁶ union issues (9.6 s, 2.6 GB), and an MCP
 * call whose `steps` held 8.3·10⁶ × `true` ran out of stack formatting them (issue 12). Here a
 * body is parsed once with zod's `abortEarly` (a valid body costs what it always cost; an
 * invalid one stops at its first bad element); only when that fails is each field of the
 * object schema (and of its nested object schemas) checked again the same way, so the answer
 * lists one issue per bad field — at most one per field of the schema, each stopping at its
 * field's first bad element — and says that validation stopped there.
 *
 * Messages name the expectation and the value found: zod's "Invalid input" for a union
 * becomes `expected a number, or one of "NaN", "Infinity", "-Infinity"; found boolean true`.
 *
 * Cost: one parse of a valid body; at most two of each field of an invalid one, each stopping
 * at its first bad element.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { validate } from "./validation.ts";
 * import { z } from "./zod.ts";
 * const schema = z.object({ x: z.array(z.number()) });
 * assertEquals(validate(schema, { x: [1, true, true] }), {
 *   success: false,
 *   issues: [{ path: ["x", 1], message: "expected a number; found boolean true" }],
 * });
 * assertEquals(validate(schema, { x: [1, 2] }), { success: true, data: { x: [1, 2] } });
 * ```
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown): Validated<T> {
  const first = schema.safeParse(value, STOP_EARLY);
  if (first.success) return { success: true, data: first.data };
  const issues = fieldIssues(schema, value, []);
  const fallback = first.error.issues.slice(0, 1).map((issue) => described(issue, value, []));
  return { success: false, issues: issues.length > 0 ? issues : fallback };
}

type Schema = z.ZodType;
// deno-lint-ignore no-explicit-any
type Def = any;

/** One issue per bad field of an object schema (recursing into nested objects). */
function fieldIssues(schema: Schema, value: unknown, at: PropertyKey[]): Issue[] {
  const shape = objectShape(schema);
  if (!shape || typeof value !== "object" || value === null || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const item = Object.hasOwn(record, key) ? record[key] : undefined;
    const result = field.safeParse(item, STOP_EARLY);
    if (result.success) continue;
    const nested = fieldIssues(field, item, [...at, key]);
    if (nested.length > 0) issues.push(...nested);
    else issues.push(described(result.error.issues[0], item, [...at, key]));
  }
  return issues;
}

/** The shape of an object schema, through optional, nullable and default wrappers. */
function objectShape(schema: Schema): Record<string, Schema> | null {
  let def: Def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  while (["optional", "nullable", "default", "prefault", "readonly"].includes(def.type)) {
    def = def.innerType._zod.def;
  }
  return def.type === "object" ? def.shape : null;
}

/** A zod issue as a path from the body's root and a message that names what was found. */
function described(issue: z.core.$ZodIssue, value: unknown, at: PropertyKey[]): Issue {
  const { path, expected, message } = explain(issue);
  const found = valueAt(value, path);
  return {
    path: [...at, ...path],
    message: expected ? `expected ${expected.join(", or ")}; found ${kindOf(found)}` : message,
  };
}

interface Explained {
  path: PropertyKey[];
  /** What the value could have been (the branches of a union), when zod says. */
  expected: string[] | null;
  message: string;
}

/**
 * An issue's path and expectations. A union's are its branches' that got furthest into the
 * value (`[true]` against "array of numbers or array of arrays" fails both at `/0`: a number, or
 * one of the words, or an array was expected there).
 */
function explain(issue: z.core.$ZodIssue): Explained {
  const path = [...issue.path];
  if (issue.code === "invalid_type") {
    return { path, expected: [article(issue.expected)], message: issue.message };
  }
  if (issue.code === "invalid_value") {
    const words = issue.values.map((v) => JSON.stringify(v)).join(", ");
    return { path, expected: [`one of ${words}`], message: issue.message };
  }
  if (issue.code !== "invalid_union" || issue.errors.length === 0) {
    return { path, expected: null, message: issue.message };
  }
  const branches = issue.errors.filter((e) => e.length > 0).map((e) => explain(e[0]));
  const depth = Math.max(...branches.map((b) => b.path.length));
  const furthest = branches.filter((b) => b.path.length === depth);
  const where = furthest[0].path.join("/");
  const same = furthest.filter((b) => b.path.join("/") === where);
  if (same.some((b) => b.expected === null)) {
    const first = same.find((b) => b.expected === null)!;
    return { path: [...path, ...first.path], expected: null, message: first.message };
  }
  const expected = [...new Set(same.flatMap((b) => b.expected!))];
  return { path: [...path, ...same[0].path], expected, message: issue.message };
}

function article(type: string): string {
  if (type === "null" || type === "undefined") return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The value at `path` inside `value` (undefined when the path leaves it). */
function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/**
 * A short description of a JSON value: its type and, for a scalar, its text (truncated to 40
 * characters).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kindOf } from "./validation.ts";
 * assertEquals([kindOf(true), kindOf("abc"), kindOf([1]), kindOf(null)], [
 *   "boolean true", 'string "abc"', "an array of 1", "null",
 * ]);
 * ```
 */
export function kindOf(value: unknown): string {
  if (value === undefined) return "none";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${typeof value} ${text.length > 40 ? text.slice(0, 40) + "…" : text}`;
}
