/** Schemas shared by several endpoints. */
import { z } from "@hono/zod-openapi";
import { FINDING_IDS } from "../lib/findings/mod.ts";

/** A finding, as every endpoint returns it. */
export const FindingSchema = z.object({
  id: z.enum(FINDING_IDS).openapi({
    description: "From a fixed vocabulary; clients switch on it.",
  }),
  severity: z.enum(["info", "warning", "critical"]),
  title: z.string(),
  evidence: z.string().openapi({ description: "The measured numbers behind the finding." }),
  remedies: z.array(z.string()).openapi({ description: "Concrete changes, most effective first." }),
}).openapi("Finding");

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
export interface Tool<Input = unknown, Output extends { summary: string } = { summary: string }> {
  /** MCP tool name, e.g. `analyze_loss_spikes`. */
  name: string;
  /** One-line title. */
  title: string;
  /** What it answers, for a chat bot choosing a tool. */
  description: string;
  /** The zod schema of the input (the JSON body of the HTTP route). */
  input: z.ZodType<Input>;
  /**
   * Checks the configured limits on the raw, not yet validated body (array lengths only) and
   * throws a `LimitError` over one: run before the schema, so an oversized body is refused
   * before zod walks it (routes/json_body.ts; the MCP bridge too).
   */
  precheck?(raw: unknown, config: import("./config.ts").Config): void;
  /** Computes the answer; `summary` is Markdown. */
  run(input: Input, config: import("./config.ts").Config): Output;
}
