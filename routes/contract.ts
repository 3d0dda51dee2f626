import { OpenAPIHono } from "@hono/zod-openapi";
import { stringify } from "yaml";
import { loadEndpoints, VERSION } from "./app.ts";
import type { Config } from "./config.ts";
import { withServiceNotes } from "./contract_notes.ts";
import { createRoute, z } from "./zod.ts";

/** The tags of the operations, in the order `/docs` shows them. */
export const TAGS: { name: string; description: string }[] = [
  { name: "analysis", description: "Why a loss curve misbehaves: spikes, periods, causes." },
  { name: "last batch", description: "The last, partial mini-batch of an epoch." },
  {
    name: "contrastive",
    description: "Overflow of contrastive (InfoNCE) losses in low precision.",
  },
  { name: "numerics", description: "Floating-point formats, op by op." },
  { name: "service", description: "Liveness." },
];

/** `GET /healthz`, answered by the app itself (routes/app.ts). */
const healthz = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["service"],
  summary: "Liveness",
  description: "Answers 200 while the service runs; needs no token even when /v1/ does.",
  security: [],
  responses: {
    200: {
      description: "The service is up.",
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok"), version: z.string() }).openapi("Health"),
        },
      },
    },
  },
});

/** The OpenAPI 3.1 document. */
export type Contract = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/**
 * The OpenAPI 3.1 document for the given settings, generated from the routes' zod schemas: what
 * `/openapi.json`, `/openapi.yaml` and `openapi.yaml` (`deno task openapi`) hold.
 *
 * Loaded on the first request for the document (see `routes/app.ts`): it brings in the
 * generator (`@hono/zod-openapi`), YAML, and every endpoint module, none of which another request
 * needs. Each endpoint module's `route` says its method, path, operationId, tag, schemas and
 * the statuses its handler returns; this file adds what belongs to the service as a whole —
 * `/healthz`, the tags, `servers`, and (contract_notes.ts) the limits, the bearer scheme and
 * the statuses of the middleware in front of every `/v1/` operation (401, 413, 500).
 *
 * Cost: one generation per settings, about 20 ms; the app caches the texts.
 *
 * @example
 * ```ts
 * import { assertArrayIncludes, assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { contractOf } from "./contract.ts";
 * const document = await contractOf(defaultConfig);
 * assertEquals(document.openapi, "3.1.0");
 * assertEquals(document.paths?.["/healthz"]?.get?.operationId, "getHealth");
 * // the middleware's statuses on every /v1/ operation
 * const statuses = Object.keys(document.paths?.["/v1/logsumexp"]?.post?.responses ?? {});
 * assertArrayIncludes(statuses, ["401", "413", "500"]);
 * ```
 */
export async function contractOf(config: Config): Promise<Contract> {
  const generator = new OpenAPIHono();
  generator.openAPIRegistry.registerPath(healthz);
  for (const e of await loadEndpoints()) generator.openAPIRegistry.registerPath(e.route);
  const document = generator.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "lossdoctor",
      version: VERSION,
      description:
        "Tells people who train neural networks why their loss curve misbehaves and what to change.",
    },
    servers: [{ url: "/", description: "The service that serves this document." }],
    tags: TAGS,
  });
  return withServiceNotes(document, config);
}

/**
 * The document as YAML (what `openapi.yaml` holds), without YAML anchors.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { toYaml } from "./contract.ts";
 * const shared = { type: "number" };
 * assertEquals(toYaml({ a: shared, b: shared }), "a:\n  type: number\nb:\n  type: number\n");
 * ```
 */
export function toYaml(document: unknown): string {
  // No YAML anchors: a schema object the generator shares between two places is written twice.
  return stringify(document, { aliasDuplicateObjects: false });
}
