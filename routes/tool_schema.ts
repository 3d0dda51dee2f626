/**
 * The JSON Schema of a tool's input as the OpenAPI document writes it: with every field's
 * `.openapi({ description, example })`, so that a chat bot choosing arguments reads the same
 * explanations a person reads on `/docs`.
 *
 * Why not the MCP SDK's own conversion: it calls `z.toJSONSchema`, which only sees zod's own
 * metadata (`.describe()`, `.meta()`), not the descriptions `@hono/zod-openapi` keeps in its
 * registry, so every field would reach the model bare ("reduction: one of mean, sum, …" without
 * saying what they mean). Here the tool's schema is registered as the body of a scratch route and
 * read back from `getOpenAPI31Document` (OpenAPI 3.1 schemas are JSON Schema 2020-12); named
 * components (`$ref: "#/components/schemas/…"`) are inlined, since several MCP hosts do not
 * follow references.
 *
 * Cost: one document generation per tool, cached for the process. Edge cases: a recursive named
 * schema cannot be inlined and throws TypeError (none of ours is).
 *
 * @example
 * toolInputSchema(tool.input).properties.reduction.description // "How the batch loss is reduced…"
 */
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";

type Json = Record<string, unknown>;

const cache = new WeakMap<object, Json>();

/** The input's JSON Schema, with OpenAPI descriptions, references inlined. */
export function toolInputSchema(input: z.ZodType): Json {
  const cached = cache.get(input);
  if (cached) return cached;
  const scratch = new OpenAPIHono();
  scratch.openapi(
    createRoute({
      method: "post",
      path: "/",
      request: { body: { content: { "application/json": { schema: input } } } },
      responses: { 200: { description: "the answer" } },
    }),
    (c) => c.body(null, 200),
  );
  const document = scratch.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "tool", version: "0" },
  });
  const body = document.paths?.["/"]?.post?.requestBody as Json | undefined;
  const root = ((body?.content as Json)?.["application/json"] as Json)?.schema;
  const components = (document.components?.schemas ?? {}) as Record<string, unknown>;
  const schema = inline(root, components, []) as Json;
  cache.set(input, schema);
  return schema;
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
