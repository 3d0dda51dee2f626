/**
 * A small JSON Schema (2020-12, as OpenAPI 3.1 uses it) checker for the tests: does a value
 * match a schema of the service's OpenAPI document?
 *
 * Why our own: the fuzz tests check every 200 answer against the contract the service
 * publishes, so the checker must be independent of the zod schemas that generated it. It
 * covers the keywords the document uses — `$ref` (local), `type` (also as a list, and
 * `integer`), `enum`, `const`, `properties`, `required`, `additionalProperties`,
 * `propertyNames`, `items`, `prefixItems`, `minItems`, `maxItems`, `minimum`, `maximum`,
 * `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`, `pattern`, `anyOf`,
 * `oneOf`, `allOf`, `not` — and ignores annotations (`description`, `example`, `default`,
 * `format`). An unknown assertion keyword is an error, so a schema it cannot judge fails
 * loudly instead of passing.
 */

// deno-lint-ignore no-explicit-any
type Schema = Record<string, any> | boolean;

const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "default",
  "format",
  "title",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$schema",
  "$id",
  "$comment",
]);

/** The mismatches of `value` against `schema` (empty when it matches), as "pointer: why". */
export function validateSchema(
  value: unknown,
  schema: Schema,
  document: { components?: { schemas?: Record<string, Schema> } },
  path = "",
): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path || "/"}: ${why}`);
  const sub = (v: unknown, s: Schema, p: string) => validateSchema(v, s, document, p);
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case "$ref": {
        const name = String(arg).replace("#/components/schemas/", "");
        const target = document.components?.schemas?.[name];
        if (target === undefined) fail(`unresolved $ref ${arg}`);
        else errors.push(...sub(value, target, path));
        break;
      }
      case "type": {
        const types: string[] = Array.isArray(arg) ? arg : [arg];
        if (!types.some((t) => hasType(value, t))) {
          fail(`expected ${types.join("|")}, found ${kind(value)}`);
        }
        break;
      }
      case "enum":
        if (!arg.some((e: unknown) => equal(e, value))) {
          fail(`${JSON.stringify(value)} not in enum`);
        }
        break;
      case "const":
        if (!equal(arg, value)) fail(`expected ${JSON.stringify(arg)}`);
        break;
      case "properties":
        if (isObject(value)) {
          for (const [key, s] of Object.entries(arg as Record<string, Schema>)) {
            if (key in value) errors.push(...sub(value[key], s, `${path}/${key}`));
          }
        }
        break;
      case "required":
        if (isObject(value)) {
          for (const key of arg as string[]) if (!(key in value)) fail(`missing ${key}`);
        }
        break;
      case "additionalProperties":
        if (isObject(value)) {
          const known = new Set(Object.keys(schema.properties ?? {}));
          for (const [key, v] of Object.entries(value)) {
            if (!known.has(key)) errors.push(...sub(v, arg, `${path}/${key}`));
          }
        }
        break;
      case "propertyNames":
        if (isObject(value)) {
          for (const key of Object.keys(value)) errors.push(...sub(key, arg, `${path}/${key}`));
        }
        break;
      case "prefixItems":
        if (Array.isArray(value)) {
          (arg as Schema[]).forEach((s, i) => {
            if (i < value.length) errors.push(...sub(value[i], s, `${path}/${i}`));
          });
        }
        break;
      case "items":
        if (Array.isArray(value)) {
          const from = (schema.prefixItems ?? []).length;
          for (let i = from; i < value.length; i++) {
            errors.push(...sub(value[i], arg, `${path}/${i}`));
          }
        }
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < arg) fail(`fewer than ${arg} items`);
        break;
      case "maxItems":
        if (Array.isArray(value) && value.length > arg) fail(`more than ${arg} items`);
        break;
      case "minimum":
        if (typeof value === "number" && !(value >= arg)) fail(`${value} < minimum ${arg}`);
        break;
      case "maximum":
        if (typeof value === "number" && !(value <= arg)) fail(`${value} > maximum ${arg}`);
        break;
      case "exclusiveMinimum":
        if (typeof value === "number" && !(value > arg)) fail(`${value} ≤ ${arg}`);
        break;
      case "exclusiveMaximum":
        if (typeof value === "number" && !(value < arg)) fail(`${value} ≥ ${arg}`);
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < arg) fail(`shorter than ${arg}`);
        break;
      case "maxLength":
        if (typeof value === "string" && [...value].length > arg) fail(`longer than ${arg}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(arg, "u").test(value)) fail(`not /${arg}/`);
        break;
      case "allOf":
        for (const s of arg as Schema[]) errors.push(...sub(value, s, path));
        break;
      case "anyOf":
        if (!(arg as Schema[]).some((s) => sub(value, s, path).length === 0)) {
          fail(
            `matches none of anyOf: ${
              (arg as Schema[]).map((s) => sub(value, s, path)[0]).join("; ")
            }`,
          );
        }
        break;
      case "oneOf": {
        const matching = (arg as Schema[]).filter((s) => sub(value, s, path).length === 0).length;
        if (matching !== 1) fail(`matches ${matching} of oneOf, not exactly one`);
        break;
      }
      case "not":
        if (sub(value, arg, path).length === 0) fail("matches a schema it must not");
        break;
      default:
        if (!ANNOTATIONS.has(keyword)) fail(`the checker does not know the keyword ${keyword}`);
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
  }
  return false;
}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
