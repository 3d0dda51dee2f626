/**
 * The HTTP handler of a JSON endpoint: read the body, check the limits, validate, run the Tool.
 *
 * Why not the OpenAPI validator of `app.openapi`: it runs the zod schema over the whole body
 * before the handler can look at its size, and zod costs about 0.5 µs per array element (a
 * union per number), so a 64 MB body of `[1,1,1,…]` — 32 million elements — would be walked
 * for 16 s before a limit could refuse it. Here the order is: media type (415), the JSON's
 * structure (413 past `JSON_LIMITS`: depth, arrays and objects, keys of one object, measured
 * before it is built), JSON syntax (400, with the line and column), the Tool's `precheck` on
 * the raw value (413 naming the limit; it looks at array lengths only, O(rows)), and only then
 * the schema (422 with one JSON pointer per bad field, each at its field's first bad element:
 * `validation.ts`) and `run`. The route still registers its schemas for the contract
 * (`app.openAPIRegistry.registerPath`). Bare `NaN`/`Infinity` (as Python writes them) parse,
 * and then meet the schema like any other number.
 *
 * Cost: one JSON parse, O(bytes); the precheck O(rows); zod O(elements) within the limits.
 */
import type { Context } from "hono";
import { JsonLimitError, parsePythonJson } from "../lib/parse/mod.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { jsonResponse } from "./json.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { problem, validationProblem } from "./problem.ts";
import { validate } from "./validation.ts";

/** Whether a Content-Type header names JSON (`application/json`, `application/*+json`). */
export function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.-]+\+json$/.test(type);
}

/** The parsed JSON body, or the problem answer (415 wrong media type, 400 not JSON). */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type");
  if (type !== undefined && !isJsonType(type)) {
    return problem(415, `expected application/json, found ${type.split(";")[0].trim()}`);
  }
  const text = await c.req.text();
  if (text.trim() === "") return problem(400, "expected a JSON body, found none");
  try {
    return parsePythonJson(text);
  } catch (error) {
    if (error instanceof TypeError) return problem(400, error.message);
    if (error instanceof JsonLimitError) return limitProblem(jsonLimit(error));
    if (error instanceof RangeError) {
      // The marker walk recursed past the stack: a hostile nesting depth, not a crash.
      return problem(400, "expected JSON nested at most a few thousand levels deep");
    }
    throw error;
  }
}

/** A JSON structure limit (lib/parse) as the service's LimitError, named `MAX_JSON_…`. */
export function jsonLimit(error: JsonLimitError): LimitError {
  return new LimitError(
    error.message,
    `MAX_JSON_${error.limit.toUpperCase()}`,
    error.value,
    error.found,
  );
}

/** The handler of `POST` on a Tool's route: limits, validation, answer (see above). */
export function toolHandler<Input, Output extends { summary: string }>(
  tool: Tool<Input, Output>,
  config: Config,
): (c: Context) => Promise<Response> {
  return async (c) => {
    const body = await readJsonBody(c);
    if (body instanceof Response) return body;
    try {
      tool.precheck?.(body, config);
      const parsed = validate(tool.input, body);
      if (!parsed.success) return validationProblem(parsed.issues);
      return jsonResponse(tool.run(parsed.data, config));
    } catch (error) {
      if (error instanceof LimitError) return limitProblem(error);
      throw error;
    }
  };
}
