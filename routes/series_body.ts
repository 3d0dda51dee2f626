import type { Context } from "hono";
import {
  type BodyFormat,
  decimalNumber,
  type ExtraSeriesSet,
  type ImpliedOptions,
  JsonLimitError,
  JsonSyntaxError,
  type OptionalSeriesBody,
  parseOptionalSeriesBody,
  parseSeriesBody,
  type SeriesBody,
  seriesFromJson,
  SeriesTooLong,
} from "../lib/parse/mod.ts";
import type { SpikeOptions } from "../lib/spikes/mod.ts";
import type { Config } from "./config.ts";
import { jsonLimit } from "./json_body.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { problem, validationProblem } from "./problem.ts";

/** A parsed series and the options that came with it. */
export interface SeriesInput {
  /** The loss values, in order. */
  loss: Float64Array;
  /** Each value's step, when the body gave them; null otherwise (the index is the step). */
  steps: Float64Array | null;
  /** The options, from the body's fields, the query and the file, not yet validated. */
  options: Record<string, unknown>;
  /** Prefix of the JSON pointers of option errors: "" for body fields, "/query" for query. */
  pointerPrefix: string;
  /** The options of a JSON body that came from the query (the body did not have them). */
  fromQuery?: Set<string>;
  /** The body's format, its other series, and the options its file implied. */
  extras: BodyExtras;
}

/** What a body holds besides the loss and the options. */
export interface BodyExtras {
  /** What the body was: JSON, CSV, text, or a framework's own file. */
  format: BodyFormat;
  /** The other series it held (eval loss, learning rate, gradient norm). */
  series: ExtraSeriesSet;
  /** The options the file implied that were used (the request gave no value of its own). */
  fromFile: ImpliedOptions;
}

/**
 * The extras and merged options of a body parsed from an already validated JSON value: the
 * options its framework file implied fill in those `options` leaves out (the request's own
 * value wins), and `extras.fromFile` lists the ones used.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withImplied } from "./series_body.ts";
 * const body = {
 *   format: "trainer_state" as const,
 *   series: {},
 *   implied: { steps_per_epoch: 100, log_every: 10 },
 * };
 * const { options, extras } = withImplied(body, { log_every: 5 });
 * assertEquals(options, { log_every: 5, steps_per_epoch: 100 });
 * assertEquals(extras.fromFile, { steps_per_epoch: 100 });
 * ```
 */
export function withImplied(
  body: Pick<SeriesBody, "format" | "series" | "implied">,
  options: Record<string, unknown>,
): { options: Record<string, unknown>; extras: BodyExtras } {
  const merged = { ...options };
  const fromFile: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body.implied)) {
    if (merged[name] !== undefined) continue;
    merged[name] = value;
    fromFile[name] = value;
  }
  return {
    options: merged,
    extras: { format: body.format, series: body.series, fromFile: fromFile as ImpliedOptions },
  };
}

/**
 * The spike analysis' options for a body's extras and its `logged_as`: the eval loss, learning
 * rate and gradient norm series the body carried, running means when the loss was logged as an
 * epoch's running mean, and where the series came from.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { extrasOptions } from "./series_body.ts";
 * assertEquals(extrasOptions(undefined, "epoch-running-mean").runningMean, "epoch");
 * assertEquals(extrasOptions(undefined, undefined).runningMean, undefined);
 * ```
 */
export function extrasOptions(
  extras: BodyExtras | undefined,
  loggedAs: string | undefined,
): Pick<SpikeOptions, "evalLoss" | "learningRate" | "gradNorm" | "runningMean" | "source"> {
  return {
    evalLoss: extras?.series.eval_loss,
    learningRate: extras?.series.learning_rate,
    gradNorm: extras?.series.grad_norm,
    runningMean: loggedAs === "epoch-running-mean" ? "epoch" : undefined,
    source: extras ? { format: extras.format, fromFile: extras.fromFile } : undefined,
  };
}

const SUPPORTED = ["application/json", "text/csv", "text/plain", "application/csv", ""];
const QUERY_OPTIONS = [
  "log_every",
  "steps_per_epoch",
  "dataset_size",
  "batch_size",
  "drop_last",
  "logged_as",
];

/** A parsed body whose series may be absent (a configuration alone), with its options. */
export interface OptionalSeriesInput extends Omit<SeriesInput, "loss"> {
  /** The loss values, or null when the body held options alone. */
  loss: Float64Array | null;
}

/**
 * Reads a body that must hold a loss series — JSON, CSV or plain text — with its options;
 * `queryOptions` are the options read from the query.
 *
 * JSON bodies carry their options as fields, CSV and text bodies as query parameters (which
 * arrive as strings and are turned into numbers and booleans here, so the zod schema of the
 * options judges both the same way); a JSON body may also take from the query the options it
 * does not hold itself (one given in both places is a 422). Unsupported media types are a 415,
 * text that is not JSON a 400 and a body without a usable series a 422, each detail saying where
 * the body went wrong. `readOptionalSeries` (for `/v1/diagnose`) also takes a JSON object without
 * `loss`, a configuration alone. A framework's own file (trainer_state.json, metrics.csv, a pasted
 * Keras log, …) is recognised by content; the options it implies (steps per epoch, logging
 * window, running means) fill in those the request leaves out.
 *
 * Cost: one parse of the body, O(bytes); the series is at most `MAX_SERIES_POINTS` long (413
 * beyond, counted as it is parsed).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { readSeries } from "./series_body.ts";
 * const app = new Hono().post("/", async (c) => {
 *   const input = await readSeries(c, defaultConfig);
 *   if (input instanceof Response) return input;
 *   return c.json({ loss: [...input.loss], options: input.options, format: input.extras.format });
 * });
 * const post = (url: string, body: string, type: string) =>
 *   app.request(url, { method: "POST", body, headers: { "content-type": type } });
 * const csv = await post("/?steps_per_epoch=2", "loss\n3\n2.5\n2.25\n", "text/csv");
 * assertEquals(await csv.json(), {
 *   loss: [3, 2.5, 2.25],
 *   options: { steps_per_epoch: 2 },
 *   format: "csv",
 * });
 * const twice = await post("/?log_every=5", '{"loss": [3, 2], "log_every": 5}', "application/json");
 * assertEquals([twice.status, (await twice.json()).errors[0].pointer], [422, "/query/log_every"]);
 * assertEquals((await post("/", "<loss/>", "application/xml")).status, 415);
 * ```
 */
export function readSeries(
  c: Context,
  config: Config,
  queryOptions: readonly string[] = QUERY_OPTIONS,
): Promise<SeriesInput | Response> {
  return readBody(c, config, queryOptions, parseSeriesBody) as Promise<SeriesInput | Response>;
}

/**
 * Reads a body whose JSON form may leave out `loss` (an object of options alone, a
 * configuration for `/v1/diagnose`): as {@linkcode readSeries} otherwise.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { readOptionalSeries } from "./series_body.ts";
 * const app = new Hono().post("/", async (c) => {
 *   const input = await readOptionalSeries(c, defaultConfig, []);
 *   return input instanceof Response ? input : c.json({ loss: input.loss, ...input.options });
 * });
 * const answer = await app.request("/", {
 *   method: "POST",
 *   body: '{"batch_size": 32}',
 *   headers: { "content-type": "application/json" },
 * });
 * assertEquals(await answer.json(), { loss: null, batch_size: 32 });
 * ```
 */
export function readOptionalSeries(
  c: Context,
  config: Config,
  queryOptions: readonly string[],
): Promise<OptionalSeriesInput | Response> {
  return readBody(c, config, queryOptions, parseOptionalSeriesBody);
}

/** How a body's text becomes a series: {@linkcode parseSeriesBody} or its optional form. */
type BodyParser = (
  text: string,
  type: string | null,
  column: string | undefined,
  maxValues: number,
) => OptionalSeriesBody;

async function readBody(
  c: Context,
  config: Config,
  queryOptions: readonly string[],
  parse: BodyParser,
): Promise<OptionalSeriesInput | Response> {
  const contentType = mediaType(c);
  if (contentType instanceof Response) return contentType;
  const text = await c.req.text();
  let parsed;
  try {
    parsed = parse(text, contentType || null, c.req.query("column"), config.maxSeriesPoints);
  } catch (error) {
    return parseProblem(error, config);
  }
  const query = queryValues(c, queryOptions);
  if (parsed.format !== "json") {
    const { options, extras } = withImplied(parsed, query);
    return { loss: parsed.loss, steps: parsed.steps, options, pointerPrefix: "/query", extras };
  }
  return jsonInput(parsed, query);
}

/** The body's media type, lower case without parameters; a 415 for one no parser reads. */
function mediaType(c: Context): string | Response {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const json = contentType === "application/json" || contentType.endsWith("+json");
  if (!json && !SUPPORTED.includes(contentType)) {
    return problem(
      415,
      `expected application/json, text/csv or text/plain, found ${contentType}`,
    );
  }
  return contentType;
}

/** What the parser threw, as its answer: a limit's 413, a 400 or a 422; anything else is a bug. */
function parseProblem(error: unknown, config: Config): Response {
  if (error instanceof SeriesTooLong) return limitProblem(seriesLimit(error, config));
  if (error instanceof JsonLimitError) return limitProblem(jsonLimit(error, config));
  // Text that is not JSON is a 400, as on every endpoint; JSON or CSV that holds no usable
  // series is a 422.
  if (error instanceof JsonSyntaxError) return problem(400, error.message);
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
    return problem(422, error.message);
  }
  throw error;
}

/**
 * A JSON body's options, with those it does not hold taken from the query
 * (`curl -d @run.json '...?steps_per_epoch=157'` on a file that does not say it); one given in
 * both places is a 422.
 */
function jsonInput(
  parsed: OptionalSeriesBody,
  query: Record<string, unknown>,
): OptionalSeriesInput | Response {
  const fromQuery = new Set<string>();
  const options = { ...parsed.fields };
  for (const [name, value] of Object.entries(query)) {
    if (name in options) {
      return problem(422, `${name} is given both in the body and in the query; give it once`, {
        errors: [{ pointer: `/query/${name}`, detail: "also given in the body" }],
      });
    }
    options[name] = value;
    fromQuery.add(name);
  }
  const merged = withImplied(parsed, options);
  return {
    loss: parsed.loss,
    steps: parsed.steps,
    options: merged.options,
    pointerPrefix: "",
    fromQuery,
    extras: merged.extras,
  };
}

/** A series the parser stopped reading at `MAX_SERIES_POINTS`, as the 413 that names it. */
export function seriesLimit(error: SeriesTooLong, config: Config): LimitError {
  return new LimitError(
    error.found === undefined
      ? `${error.series} has more than MAX_SERIES_POINTS = ${config.maxSeriesPoints} points`
      : `${error.message}, more than MAX_SERIES_POINTS = ${config.maxSeriesPoints}`,
    "MAX_SERIES_POINTS",
    config.maxSeriesPoints,
    error.found,
  );
}

/**
 * The series of a tool's validated JSON input (`loss`, or a `log_file`'s text), read within
 * `MAX_SERIES_POINTS`: a log file past it stops being read there (a LimitError, which MCP
 * answers as a tool error naming the limit).
 */
export function seriesFromInput(input: unknown, config: Config): SeriesBody {
  try {
    return seriesFromJson(input, config.maxSeriesPoints);
  } catch (error) {
    throw error instanceof SeriesTooLong ? seriesLimit(error, config) : error;
  }
}

/**
 * The query's options, as numbers and booleans where they read as such. Numbers are decimal
 * (`decimalNumber`): `?steps_per_epoch=0x10` stays the string "0x10", which the schema refuses
 * (422 pointing at `/query/steps_per_epoch`), instead of becoming 16.
 */
function queryValues(c: Context, names: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const name of names) {
    const raw = c.req.query(name);
    if (raw === undefined) continue;
    if (raw === "true" || raw === "false") {
      options[name] = raw === "true";
    } else if (name === "logged_as") {
      options[name] = raw;
    } else if (name === "drop_last" || name === "sampler_drop_last") {
      options[name] = raw === "1" ? true : raw === "0" ? false : raw;
    } else {
      const number = decimalNumber(raw);
      options[name] = Number.isFinite(number) ? number : raw;
    }
  }
  return options;
}

/**
 * The 422 for invalid options, each pointer into the body or the query, where it came from.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { optionsProblem } from "./series_body.ts";
 * const issues = [{ path: ["log_every"], message: "expected a positive integer; found 0" }];
 * const problem = await optionsProblem(issues, {
 *   pointerPrefix: "",
 *   fromQuery: new Set(["log_every"]),
 * }).json();
 * assertEquals(problem.errors[0].pointer, "/query/log_every");
 * ```
 */
export function optionsProblem(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  input: Pick<SeriesInput, "pointerPrefix" | "fromQuery">,
): Response {
  const fromQuery = input.fromQuery;
  if (!fromQuery || fromQuery.size === 0) return validationProblem(issues, input.pointerPrefix);
  const rooted = issues.map((issue) =>
    fromQuery.has(String(issue.path[0])) ? { ...issue, path: ["query", ...issue.path] } : issue
  );
  return validationProblem(rooted, input.pointerPrefix);
}
