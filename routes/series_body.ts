/**
 * Reads a loss series from a request: JSON, CSV or plain text, with its options.
 *
 * JSON bodies carry their options as fields; CSV and text bodies as query parameters (which
 * arrive as strings and are turned into numbers and booleans here, so the zod schema of the
 * options judges both the same way). Unsupported media types are a 415, unparsable bodies a
 * 422 whose detail says where the body went wrong.
 */
import type { Context } from "hono";
import { parseSeriesBody } from "../lib/parse/mod.ts";
import type { Config } from "./config.ts";
import { problem } from "./problem.ts";

/** A parsed series and the options that came with it. */
export interface SeriesInput {
  loss: Float64Array;
  steps: Float64Array | null;
  options: Record<string, unknown>;
  /** Prefix of the JSON pointers of option errors: "" for body fields, "/query" for query. */
  pointerPrefix: string;
}

const SUPPORTED = ["application/json", "text/csv", "text/plain", "application/csv", ""];
const QUERY_OPTIONS = ["log_every", "steps_per_epoch", "dataset_size", "batch_size", "drop_last"];

export async function readSeries(c: Context, _config: Config): Promise<SeriesInput | Response> {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const json = contentType === "application/json" || contentType.endsWith("+json");
  if (!json && !SUPPORTED.includes(contentType)) {
    return problem(
      415,
      `expected application/json, text/csv or text/plain, found ${contentType}`,
    );
  }
  const text = await c.req.text();
  let parsed;
  try {
    parsed = parseSeriesBody(text, contentType || null, c.req.query("column"));
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
      return problem(422, error.message);
    }
    throw error;
  }
  if (parsed.format === "json") {
    return { loss: parsed.loss, steps: parsed.steps, options: parsed.fields, pointerPrefix: "" };
  }
  const options: Record<string, unknown> = {};
  for (const name of QUERY_OPTIONS) {
    const raw = c.req.query(name);
    if (raw === undefined) continue;
    if (name === "drop_last") {
      options[name] = raw === "true" || raw === "1"
        ? true
        : raw === "false" || raw === "0"
        ? false
        : raw;
    } else {
      options[name] = raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
  }
  return { loss: parsed.loss, steps: parsed.steps, options, pointerPrefix: "/query" };
}
