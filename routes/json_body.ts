import type { Context } from "hono";
import { JsonLimitError, parsePythonJson } from "../lib/parse/mod.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { jsonResponse } from "./json.ts";
import { MAX_MICRO_BATCHES } from "./last-batch.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { problem, validationProblem } from "./problem.ts";
import { validate } from "./validation.ts";

/**
 * Whether a Content-Type header names JSON (`application/json`, `application/*+json`, any
 * parameters and case).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isJsonType } from "./json_body.ts";
 * assertEquals(isJsonType("Application/JSON; charset=utf-8"), true);
 * assertEquals(isJsonType("application/problem+json"), true);
 * assertEquals(isJsonType("text/plain"), false);
 * ```
 */
export function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.-]+\+json$/.test(type);
}

/**
 * The longest array any endpoint reads — a series (`MAX_SERIES_POINTS`) or the micro-batches
 * (`MAX_MICRO_BATCHES`) — and the limit that names it: a JSON body (on `/v1/logsumexp`,
 * `/v1/last-batch`, `/v1/contrastive` and `/mcp`) holding a longer array is refused before it is
 * built. (`/v1/spikes` and `/v1/diagnose` check their series' lengths right after parsing,
 * sparing the typical body the count of its commas.)
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { longestArray } from "./json_body.ts";
 * assertEquals(longestArray({ ...defaultConfig, maxSeriesPoints: 2_000_000 }), {
 *   limit: "MAX_SERIES_POINTS",
 *   value: 2_000_000,
 * });
 * assertEquals(longestArray({ ...defaultConfig, maxSeriesPoints: 10 }).limit, "MAX_MICRO_BATCHES");
 * ```
 */
export function longestArray(config: Config): { limit: string; value: number } {
  return config.maxSeriesPoints >= MAX_MICRO_BATCHES
    ? { limit: "MAX_SERIES_POINTS", value: config.maxSeriesPoints }
    : { limit: "MAX_MICRO_BATCHES", value: MAX_MICRO_BATCHES };
}

/**
 * The parsed JSON body, or the problem answer: 415 for a media type that is not JSON (no
 * Content-Type is taken as JSON), 400 for no body or not JSON (with the line and column), 413
 * for a structure over `JSON_LIMITS` or an array longer than {@linkcode longestArray}. Bare
 * `NaN`/`Infinity` (as Python writes them) parse.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { readJsonBody } from "./json_body.ts";
 * const app = new Hono().post("/", async (c) => {
 *   const body = await readJsonBody(c, defaultConfig);
 *   return body instanceof Response ? body : c.json({ read: String(body) });
 * });
 * const post = (body: string) =>
 *   app.request("/", { method: "POST", body, headers: { "content-type": "application/json" } });
 * assertEquals(await (await post("Infinity")).json(), { read: "Infinity" });
 * assertEquals((await post(" ")).status, 400);
 * ```
 */
export async function readJsonBody(c: Context, config: Config): Promise<unknown> {
  const type = c.req.header("content-type");
  if (type !== undefined && !isJsonType(type)) {
    return problem(415, `expected application/json, found ${type.split(";")[0].trim()}`);
  }
  const text = await c.req.text();
  if (text.trim() === "") return problem(400, "expected a JSON body, found none");
  try {
    return parsePythonJson(text, longestArray(config).value);
  } catch (error) {
    if (error instanceof TypeError) return problem(400, error.message);
    if (error instanceof JsonLimitError) return limitProblem(jsonLimit(error, config));
    if (error instanceof RangeError) {
      // The marker walk recursed past the stack: a hostile nesting depth, not a crash.
      return problem(400, "expected JSON nested at most a few thousand levels deep");
    }
    throw error;
  }
}

/**
 * A JSON structure limit (lib/parse) as the service's LimitError: `MAX_JSON_…`, or for an array
 * too long, the limit of the longest array an endpoint reads.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { JsonLimitError } from "../lib/parse/mod.ts";
 * import { defaultConfig } from "./config.ts";
 * import { jsonLimit } from "./json_body.ts";
 * const deep = jsonLimit(new JsonLimitError("nested too deep", "depth", 64, 65), defaultConfig);
 * assertEquals([deep.limit, deep.value, deep.found], ["MAX_JSON_DEPTH", 64, 65]);
 * ```
 */
export function jsonLimit(error: JsonLimitError, config: Config): LimitError {
  if (error.limit === "elements") {
    const { limit, value } = longestArray(config);
    return new LimitError(
      `${error.message}, more than ${limit} = ${value} (no endpoint reads a longer array)`,
      limit,
      value,
    );
  }
  return new LimitError(
    error.message,
    `MAX_JSON_${error.limit.toUpperCase()}`,
    error.value,
    error.found,
  );
}

/**
 * The handler of `POST` on a Tool's route, the HTTP handler of a JSON endpoint: read the body,
 * check the limits, validate, run the Tool.
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
 * (routes/contract.ts reads them). Bare `NaN`/`Infinity` (as Python writes them) parse,
 * and then meet the schema like any other number.
 *
 * Cost: one JSON parse, O(bytes); the precheck O(rows); zod O(elements) within the limits.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { toolHandler } from "./json_body.ts";
 * import { z } from "./zod.ts";
 * const add = {
 *   name: "add_numbers",
 *   title: "Add numbers",
 *   description: "Adds a list of numbers.",
 *   input: z.object({ numbers: z.array(z.number()) }),
 *   run: ({ numbers }: { numbers: number[] }) => {
 *     const sum = numbers.reduce((s, v) => s + v, 0);
 *     return { sum, summary: `The sum is **${sum}**.` };
 *   },
 * };
 * const app = new Hono().post("/add", toolHandler(add, defaultConfig));
 * const post = (body: string, type = "application/json") =>
 *   app.request("/add", { method: "POST", body, headers: { "content-type": type } });
 * assertEquals(await (await post('{"numbers": [1, 2]}')).json(), {
 *   sum: 3,
 *   summary: "The sum is **3**.",
 * });
 * assertEquals((await post('{"numbers": [1, 2]', "text/plain")).status, 415);
 * assertEquals((await post('{"numbers": [1,')).status, 400);
 * // Python's bare NaN parses, then meets the schema like any other number (z.number() refuses it)
 * const invalid = await post('{"numbers": [1, NaN]}');
 * assertEquals([invalid.status, (await invalid.json()).errors[0].pointer], [422, "/numbers/1"]);
 * ```
 */
export function toolHandler<Input, Output extends { summary: string }>(
  tool: Tool<Input, Output>,
  config: Config,
): (c: Context) => Promise<Response> {
  return async (c) => {
    const body = await readJsonBody(c, config);
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
