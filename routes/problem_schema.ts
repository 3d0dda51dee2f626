import { problemTitle } from "./problem.ts";
import { z } from "./zod.ts";

/**
 * The contract of a problem+json answer (see `problem.ts`): the OpenAPI schema of its body. Only
 * the document reads it; the request path writes problems with `problem()` alone.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { problem } from "./problem.ts";
 * import { ProblemSchema } from "./problem_schema.ts";
 * const body = await problem(413, "too long", { limit: "MAX_BODY_BYTES", value: 1 }).json();
 * assertEquals(ProblemSchema.safeParse(body).success, true);
 * ```
 */
export const ProblemSchema = z.object({
  type: z.string().openapi({ example: "urn:lossdoctor:problem:validation" }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  limit: z.string().optional().openapi({
    description: "The limit that was exceeded: its environment variable (or fixed cap).",
  }),
  value: z.number().optional().openapi({ description: "The limit's setting." }),
  found: z.number().optional().openapi({
    description: "What the request had (bytes, points, B·B·dim, milliseconds), when known.",
  }),
}).openapi("Problem");

/** A route's response entry for one problem status. */
export interface ProblemResponse {
  /** The status's title. */
  description: string;
  /** The problem+json body. */
  content: { "application/problem+json": { schema: typeof ProblemSchema } };
}

/**
 * Response entries for the problem statuses of a route, for `createRoute`: each described by its
 * title, with a problem+json body.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { problemResponses } from "./problem_schema.ts";
 * const responses = problemResponses(400, 413);
 * assertEquals(Object.keys(responses), ["400", "413"]);
 * assertEquals(responses[413].description, "Request too large");
 * ```
 */
export function problemResponses(...statuses: number[]): Record<string, ProblemResponse> {
  return Object.fromEntries(
    statuses.map((s) => [s, {
      description: problemTitle(s),
      content: { "application/problem+json": { schema: ProblemSchema } },
    }]),
  );
}
