/**
 * Reads a loss series from a request body in whatever form it came: JSON, CSV or lines.
 *
 * Why: one endpoint, three kinds of file a person already has (see the other files of this
 * folder). The media type decides (`application/json`, `text/csv`, `text/plain`); a missing
 * or generic one is sniffed: `[` or `{` first is JSON, a header with letters is CSV, numbers
 * are lines. JSON is a bare array or an object with `loss` (and optionally `steps`); its other
 * fields are returned as `fields` for the caller's own validation.
 *
 * Cost: O(n) for n characters.
 *
 * @example
 * ```ts
 * parseSeriesBody('{"loss": [1, NaN], "log_every": 10}', "application/json");
 * // { format: "json", loss: [1, NaN], steps: null, fields: { log_every: 10 } }
 * ```
 */
import { parseCsvSeries } from "./csv_series.ts";
import { parseNumberLines } from "./number_lines.ts";
import { parsePythonJson } from "./python_json.ts";
import { describe, seriesValues } from "./series_values.ts";

/** A parsed body. */
export interface SeriesBody {
  format: "json" | "csv" | "text";
  loss: Float64Array;
  steps: Float64Array | null;
  /** The JSON body's other fields (empty for CSV and text). */
  fields: Record<string, unknown>;
}

export function parseSeriesBody(
  text: string,
  contentType: string | null,
  column?: string,
): SeriesBody {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const start = text.trimStart()[0];
  const json = type === "application/json" || type.endsWith("+json") ||
    (!type.startsWith("text/csv") && (start === "[" || start === "{"));
  if (json) return seriesFromJson(parsePythonJson(text));
  const head = text.trimStart().split("\n", 1)[0];
  if (
    type === "text/csv" || type === "application/csv" ||
    /[a-df-hj-mo-z]/i.test(head.replace(/nan|inf(inity)?/gi, ""))
  ) {
    const csv = parseCsvSeries(text, column);
    return { format: "csv", loss: csv.loss, steps: csv.steps, fields: {} };
  }
  return { format: "text", loss: parseNumberLines(text), steps: null, fields: {} };
}

/** A parsed JSON body (an array, or an object with `loss`) as a series and its other fields. */
export function seriesFromJson(value: unknown): SeriesBody {
  if (Array.isArray(value)) {
    return { format: "json", loss: seriesValues(value, ""), steps: null, fields: {} };
  }
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`expected a JSON object with "loss" or an array, found ${describe(value)}`);
  }
  const { loss, steps, ...fields } = value as Record<string, unknown>;
  if (loss === undefined) {
    throw new TypeError("/loss: expected an array of loss values, found none");
  }
  const series = seriesValues(loss, "/loss");
  let stepValues: Float64Array | null = null;
  if (steps !== undefined && steps !== null) {
    stepValues = seriesValues(steps, "/steps");
    const bad = stepValues.findIndex((s) => !Number.isFinite(s));
    if (bad >= 0) throw new TypeError(`/steps/${bad}: expected a finite step number`);
    if (stepValues.length !== series.length) {
      throw new TypeError(
        `/steps: expected ${series.length} steps (one per loss value), found ${stepValues.length}`,
      );
    }
  }
  return { format: "json", loss: series, steps: stepValues, fields };
}
