import { parseCsvSeries } from "./csv_series.ts";
import { extraSeriesFields, type ExtraSeriesSet } from "./extra_series.ts";
import { readFrameworkJson, readFrameworkText } from "./framework_body.ts";
import type { FrameworkFormat, FrameworkLog, ImpliedOptions } from "./framework_log.ts";
import { parseNumberLines } from "./number_lines.ts";
import { JSON_LIMITS } from "./json_scan.ts";
import { parsePythonJson } from "./python_json.ts";
import { describe, SeriesTooLong, seriesValues } from "./series_values.ts";

/** What a body was read as: a generic form, or a framework's own file. */
export type BodyFormat = "json" | "csv" | "text" | FrameworkFormat;

/** A parsed body. */
export interface SeriesBody {
  /** What the body was read as. */
  format: BodyFormat;
  /** The training loss, NaN and ±Infinity included. */
  loss: Float64Array;
  /** Each loss value's step, when the body gave them; null otherwise. */
  steps: Float64Array | null;
  /** The JSON body's other fields (empty for CSV, text and framework files). */
  fields: Record<string, unknown>;
  /** The eval loss, learning rate and gradient norm, when the body holds them. */
  series: ExtraSeriesSet;
  /** Options the file itself tells (steps per epoch, logging window, running means). */
  implied: ImpliedOptions;
}

/**
 * Reads a loss series from a request body in whatever form it came: JSON, CSV or lines.
 *
 * Why: one endpoint, three kinds of file a person already has (see the other files of this
 * folder). The media type decides (`application/json`, `text/csv`, `text/plain`); a missing
 * or generic one is sniffed: `[` or `{` first is JSON, a header with letters is CSV, numbers
 * are lines. JSON is a bare array or an object with `loss` (and optionally `steps`, and the
 * `eval_loss`, `learning_rate` and `grad_norm` series), or with `log_file`, a log's text; its
 * other fields are returned as `fields` for the caller's own validation. A framework's own file
 * is recognised first (see `framework_body.ts`).
 *
 * `maxValues` bounds the series: past it the parsers stop reading and throw
 * {@linkcode SeriesTooLong} (a CSV of 20 million rows costs its first million, not 2.9 GB), the
 * frameworks' readers too (each series of a trainer_state.json or a pasted log).
 *
 * Cost: O(n) for n characters.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseSeriesBody } from "./series_body.ts";
 * import { SeriesTooLong } from "./series_values.ts";
 * const body = parseSeriesBody('{"loss": [1, NaN], "log_every": 10}', "application/json");
 * assertEquals({ ...body, loss: [...body.loss] }, {
 *   format: "json",
 *   loss: [1, NaN],
 *   steps: null,
 *   fields: { log_every: 10 },
 *   series: {},
 *   implied: {},
 * });
 * const csv = parseSeriesBody("step,loss\n0,2.5\n10,2.4\n", null); // sniffed: a header
 * assertEquals([csv.format, [...csv.steps!]], ["csv", [0, 10]]);
 * assertThrows(() => parseSeriesBody("1\n2\n3\n", "text/plain", undefined, 2), SeriesTooLong);
 * ```
 */
export function parseSeriesBody(
  text: string,
  contentType: string | null,
  column?: string,
  maxValues: number = Infinity,
): SeriesBody {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const framework = readFrameworkText(text, column, maxValues);
  if (framework) return frameworkBody(framework);
  const start = text.trimStart()[0];
  const json = type === "application/json" || type.endsWith("+json") ||
    (!type.startsWith("text/csv") && (start === "[" || start === "{"));
  if (json) return seriesFromJson(parsePythonJson(text, longestBodyArray(maxValues)), maxValues);
  const trimmed = text.trimStart();
  const newline = trimmed.indexOf("\n");
  const head = newline < 0 ? trimmed : trimmed.slice(0, newline);
  if (
    type === "text/csv" || type === "application/csv" ||
    // Linear, no backtracking: the replace tries three fixed words at each position (at most 8
    // characters each), the test one character class; both run once, on the first line.
    /[a-df-hj-mo-z]/i.test(head.replace(/nan|inf(inity)?/gi, ""))
  ) {
    const csv = parseCsvSeries(text, column, maxValues);
    return { format: "csv", loss: csv.loss, steps: csv.steps, fields: {}, series: {}, implied: {} };
  }
  return {
    format: "text",
    loss: parseNumberLines(text, maxValues),
    steps: null,
    fields: {},
    series: {},
    implied: {},
  };
}

/**
 * The longest array a series body may hold, for the JSON scan (`parsePythonJson`'s
 * `maxElements`): a series (`maxValues`), or a trainer_state.json's `log_history`, whose entries
 * are objects, so at most `JSON_LIMITS.containers` (2²⁰); the options' arrays are shorter (10⁶
 * micro-batch sizes, 65 536 labels). A longer array is refused before `JSON.parse` builds it: a
 * `log_history` of 2·10⁷ one-digit numbers (40 MiB) took 2 s to build before its first entry
 * could be refused. A body with fewer commas than this is not scanned for it (a native count).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { longestBodyArray } from "./series_body.ts";
 * assertEquals(longestBodyArray(10), 1 << 20); // a log_history of 2²⁰ entries still fits
 * assertEquals(longestBodyArray(2_000_000), 2_000_000);
 * ```
 */
export function longestBodyArray(maxValues: number): number {
  return Number.isFinite(maxValues) ? Math.max(maxValues, JSON_LIMITS.containers) : Infinity;
}

/**
 * A framework file as a body: its series, and what it implies as options (no fields of its own).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readNanoGptLog } from "./nanogpt_log.ts";
 * import { frameworkBody } from "./series_body.ts";
 * const body = frameworkBody(readNanoGptLog("iter 0: loss 4.27\niter 10: loss 3.48\n"));
 * assertEquals([body.format, [...body.loss], body.fields], ["nanogpt", [4.27, 3.48], {}]);
 * ```
 */
export function frameworkBody(log: FrameworkLog): SeriesBody {
  return {
    format: log.format,
    loss: log.loss,
    steps: log.steps,
    fields: {},
    series: log.series,
    implied: log.implied,
  };
}

/**
 * A parsed JSON body (an array, an object with `loss`, or with `log_file`, a log's text; or a
 * framework's JSON file) as a series and its other fields. Throws a TypeError naming the JSON
 * pointer of a bad value, {@linkcode SeriesTooLong} past `maxValues`.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { seriesFromJson } from "./series_body.ts";
 * const body = seriesFromJson({ loss: [2.5, "nan"], steps: [0, 50], batch_size: 32 });
 * assertEquals([[...body.loss], [...body.steps!], body.fields], [[2.5, NaN], [0, 50], {
 *   batch_size: 32,
 * }]);
 * assertThrows(() => seriesFromJson({ loss: [2.5, true] }), TypeError, "/loss/1");
 * assertThrows(() => seriesFromJson({ loss: [1, 2], steps: [0] }), TypeError, "expected 2 steps");
 * ```
 */
export function seriesFromJson(value: unknown, maxValues: number = Infinity): SeriesBody {
  if (Array.isArray(value)) {
    if (value.length > maxValues) throw new SeriesTooLong(maxValues, value.length);
    return {
      format: "json",
      loss: seriesValues(value, ""),
      steps: null,
      fields: {},
      series: {},
      implied: {},
    };
  }
  const framework = readFrameworkJson(value, maxValues);
  if (framework) return frameworkBody(framework);
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`expected a JSON object with "loss" or an array, found ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  if (record.loss === undefined && typeof record.log_file === "string") {
    // A log file's text inside JSON (what an MCP tool or a JSON client can carry).
    const { log_file, ...fields } = record;
    const inner = parseSeriesBody(log_file, null, undefined, maxValues);
    return { ...inner, fields: { ...inner.fields, ...fields } };
  }
  const { loss, steps, ...others } = record;
  if (loss === undefined) {
    throw new TypeError("/loss: expected an array of loss values, found none");
  }
  for (const series of [loss, steps]) {
    if (Array.isArray(series) && series.length > maxValues) {
      throw new SeriesTooLong(maxValues, series.length);
    }
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
  const { series: extra, rest: fields } = extraSeriesFields(others, series.length);
  return { format: "json", loss: series, steps: stepValues, fields, series: extra, implied: {} };
}
