import type { RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Config } from "./config.ts";
import { z } from "./zod.ts";
import { FINDING_IDS } from "../lib/findings/mod.ts";

/**
 * A finding, as every endpoint returns it (the contract's `Finding` component; the lib type is
 * `Finding` of lib/findings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../lib/findings/mod.ts";
 * import { FindingSchema } from "./common.ts";
 * const finding: Finding = {
 *   id: "partial-last-batch", severity: "warning", title: "…", evidence: "…", remedies: [],
 * };
 * assertEquals(FindingSchema.parse(finding), finding);
 * assertEquals(FindingSchema.safeParse({ ...finding, id: "made-up" }).success, false);
 * ```
 */
export const FindingSchema = z.object({
  id: z.enum(FINDING_IDS).openapi({
    description: "From a fixed vocabulary; clients switch on it.",
  }),
  severity: z.enum(["info", "warning", "critical"]),
  title: z.string(),
  evidence: z.string().openapi({ description: "The measured numbers behind the finding." }),
  remedies: z.array(z.string()).openapi({ description: "Concrete changes, most effective first." }),
}).openapi("Finding");

/**
 * `[low, high]`: two numbers. Its JSON Schema says `items` and the length besides the tuple's
 * `prefixItems` (OpenAPI linters require `items` on every array; the length keeps it a pair).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RangeSchema } from "./common.ts";
 * assertEquals(RangeSchema.parse([1, 2]), [1, 2]);
 * assertEquals(RangeSchema.safeParse([1, 2, 3]).success, false);
 * ```
 */
export const RangeSchema = z.tuple([z.number(), z.number()]).openapi({
  items: { type: "number" },
  minItems: 2,
  maxItems: 2,
});

/** The Markdown summary every endpoint returns. */
export const SummarySchema = z.string().openapi({
  description: "A short Markdown summary a chat bot can paste as is.",
});

/**
 * What an endpoint does, apart from HTTP: validated input in, answer and Markdown summary out.
 *
 * Each endpoint module exports one `Tool`; its HTTP handler and its MCP tool (`routes/mcp.ts`)
 * both call `run`, so the two can never drift apart. `input` is the zod schema of the JSON body
 * (also the MCP tool's input schema); `run` throws `RangeError`/`TypeError` on input that passes
 * the schema but cannot be analysed (the app turns those into 422 problems).
 */
export interface Tool<
  Input = unknown,
  Output extends { summary: string } = { summary: string },
> {
  /** MCP tool name, e.g. `analyze_loss_spikes`. */
  name: string;
  /** One-line title. */
  title: string;
  /** What it answers, for a chat bot choosing a tool. */
  description: string;
  /** The zod schema of the input (the JSON body of the HTTP route). */
  input: z.ZodType<Input>;
  /**
   * The zod schema of the JSON answer (the route's 200 `application/json`), as the MCP tool's
   * `outputSchema`: the SDK checks each result's `structuredContent` against it.
   */
  output?: z.ZodType;
  /**
   * Checks the configured limits on the raw, not yet validated body (array lengths only) and
   * throws a `LimitError` over one: run before the schema, so an oversized body is refused
   * before zod walks it (routes/json_body.ts; the MCP bridge too).
   */
  precheck?(raw: unknown, config: Config): void;
  /** Computes the answer; `summary` is Markdown. */
  run(input: Input, config: Config): Output;
}

/**
 * What each endpoint module exports as `endpoint`: its route (the contract: method, path,
 * schemas, statuses), its tool (for MCP), and its handler. `routes/app.ts` imports the module on
 * the endpoint's first request; `routes/contract.ts` reads the routes for the document.
 */
export interface Endpoint {
  /** The route as `createRoute` (routes/zod.ts) writes it: the contract of the endpoint. */
  route: RouteConfig;
  /** What the endpoint computes, as an MCP tool. */
  // deno-lint-ignore no-explicit-any
  tool: Tool<any, any>;
  /** The request handler, for the given settings. */
  handler(config: Config): (c: Context) => Response | Promise<Response>;
}
