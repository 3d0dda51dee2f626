import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";

/** A JSON Schema, as a JSON object. */
export type Json = Record<string, unknown>;

/**
 * The JSON Schema of a tool's input (and, with {@linkcode toolOutputSchema}, of its answer) as
 * the OpenAPI document writes it, references inlined: with
 * every field's `.openapi({ description, example })`, so that a chat bot choosing arguments
 * reads the same explanations a person reads on `/docs`, and the tool's `outputSchema` is the
 * route's documented answer.
 *
 * Why not the MCP SDK's own conversion (`z.toJSONSchema`): it writes some schemas differently
 * from the document (non-finite numbers, transforms, named components), and the tools should say
 * exactly what the contract says. Here the schema is registered as the body (input) or the 200
 * answer (output) of a scratch route and read back from `getOpenAPI31Document` (OpenAPI 3.1
 * schemas are JSON Schema 2020-12); named components (`$ref: "#/components/schemas/…"`) are
 * inlined, since several MCP hosts do not follow references. Loaded with the MCP server only.
 *
 * Cost: one document generation per tool, cached for the process. Edge cases: a recursive named
 * schema cannot be inlined and throws TypeError (none of ours is).
 *
 * @throws {TypeError} for a recursive named schema.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toolInputSchema } from "./tool_schema.ts";
 * import { z } from "./zod.ts";
 * const input = z.object({ x: z.number().openapi({ description: "An x." }) });
 * assertEquals(toolInputSchema(input), {
 *   type: "object",
 *   properties: { x: { type: "number", description: "An x." } },
 *   required: ["x"],
 * });
 * ```
 */
export function toolInputSchema(input: z.ZodType): Json {
  return toolSchema(input, "input");
}

/**
 * The answer's JSON Schema (a tool's `outputSchema`), the same way as {@linkcode toolInputSchema}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FindingSchema } from "./common.ts";
 * import { toolOutputSchema } from "./tool_schema.ts";
 * const schema = toolOutputSchema(FindingSchema); // the Finding component, inlined
 * assertEquals(schema.required, ["id", "severity", "title", "evidence", "remedies"]);
 * ```
 */
export function toolOutputSchema(output: z.ZodType): Json {
  return toolSchema(output, "output");
}

const caches = { input: new WeakMap<object, Json>(), output: new WeakMap<object, Json>() };

/** The schema as the body (input) or the 200 answer (output) of a scratch route. */
function toolSchema(schema: z.ZodType, place: "input" | "output"): Json {
  const cached = caches[place].get(schema);
  if (cached) return cached;
  const json = { "application/json": { schema } };
  const scratch = new OpenAPIHono();
  scratch.openAPIRegistry.registerPath(createRoute({
    method: "post",
    path: "/",
    ...(place === "input" ? { request: { body: { content: json } } } : {}),
    responses: {
      200: { description: "the answer", ...(place === "output" ? { content: json } : {}) },
    },
  }));
  const document = scratch.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "tool", version: "0" },
  });
  const operation = document.paths?.["/"]?.post as Json | undefined;
  const holder = place === "input"
    ? operation?.requestBody as Json | undefined
    : (operation?.responses as Json | undefined)?.["200"] as Json | undefined;
  const root = ((holder?.content as Json)?.["application/json"] as Json)?.schema;
  const components = (document.components?.schemas ?? {}) as Record<string, unknown>;
  const inlined = inline(root, components, []) as Json;
  caches[place].set(schema, inlined);
  return inlined;
}

function inline(node: unknown, components: Record<string, unknown>, trail: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(item, components, trail));
  if (node === null || typeof node !== "object") return node;
  const object = node as Json;
  const ref = object.$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
    const name = decodeURIComponent(ref.slice("#/components/schemas/".length));
    if (trail.includes(name)) {
      throw new TypeError(`the tool schema ${name} is recursive and cannot be inlined`);
    }
    const { $ref: _, ...siblings } = object;
    const target = inline(components[name], components, [...trail, name]) as Json;
    return { ...target, ...inline(siblings, components, trail) as Json };
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key, inline(value, components, trail)]),
  );
}
