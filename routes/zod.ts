/**
 * zod for the routes: every schema is written once and serves both the request path
 * (validation) and the OpenAPI document — without loading the document's generator.
 *
 * Why not `z` from `@hono/zod-openapi`: importing that package loads the generator
 * (`@asteasolutions/zod-to-openapi`, which loads `openapi3-ts`, which loads `yaml`): 60–110 ms
 * of module loading here (beyond zod's own), that no request but `/openapi.*` needs, and
 * serverless users pay every cold start. Here `.openapi(refId?, metadata?)` stores what it is given in zod's own metadata
 * (`schema.meta()`: the `id` is the component name), which the generator reads as it reads its
 * own (`Metadata.getMetadataFromRegistry` merges `meta()` in, `id` becoming the `refId`); the
 * generator itself is loaded by `routes/contract.ts` on the first `/openapi.*` request. Its
 * `extendZodWithOpenApi` then finds `.openapi` defined and leaves it alone. `openapi.yaml`'s
 * staleness test holds the document to what the routes write.
 *
 * An object extended from a named one (`Named.extend({…})`) is written by the generator as
 * `allOf` of a `$ref` and the new members, which no closed object can match: write
 * `z.object({ ...Named.shape, … })` instead (tests/contract_test.ts closes every object).
 *
 * `createRoute` is the identity: a route is a plain description until the document reads it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { z } from "./zod.ts";
 * const Size = z.number().int().min(1).openapi("Size", { description: "Samples." });
 * assertEquals(Size.meta(), { description: "Samples.", id: "Size" });
 * assertEquals(Size.parse(3), 3);
 * ```
 *
 * @module
 */
import type { RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";

type Metadata = Record<string, unknown> & { param?: Record<string, unknown> };

/** `schema.openapi(refId?, metadata?)`: a copy of the schema carrying the metadata. */
function openapi(this: z.ZodType, first?: string | Metadata, second?: Metadata): z.ZodType {
  const [refId, given] = typeof first === "string" ? [first, second] : [undefined, first];
  const current = (this.meta() ?? {}) as Metadata;
  const { param, ...rest } = given ?? {};
  const merged: Metadata = { ...current, ...rest };
  if (param || current.param) merged.param = { ...current.param, ...param };
  if (refId) merged.id = refId;
  return this.meta(merged);
}

const prototype = z.ZodType.prototype as unknown as { openapi?: unknown };
prototype.openapi ??= openapi;

/**
 * A route of the contract, as `@hono/zod-openapi`'s `createRoute` takes it (here the identity:
 * the document reads it in routes/contract.ts).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createRoute } from "./zod.ts";
 * const route = createRoute({ method: "get", path: "/healthz", responses: {} });
 * assertEquals(route.path, "/healthz");
 * ```
 */
export function createRoute<const R extends RouteConfig>(route: R): R {
  return route;
}

export { z };
