/**
 * The contract of a problem+json answer (see `problem.ts`): its schema and the response entries
 * a route lists for the problem statuses it can return. Only the document reads these; the
 * request path writes problems with `problem()` alone.
 */
import { problemTitle } from "./problem.ts";
import { z } from "./zod.ts";

/** The OpenAPI schema of a problem+json body. */
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

/** Response entries for the problem statuses of a route, for `createRoute`. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, {
      description: problemTitle(s),
      content: { "application/problem+json": { schema: ProblemSchema } },
    }]),
  );
}
