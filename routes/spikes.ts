import { createRoute, z } from "./zod.ts";
import type { Context } from "hono";
import { spikePlot } from "../lib/diagnose/mod.ts";
import { REDUCTIONS } from "../lib/batch/mod.ts";
import { FRAMEWORK_FORMATS } from "../lib/parse/mod.ts";
import { analyzeSpikes, type SpikeOptions, type SpikeReport } from "../lib/spikes/mod.ts";
import { answerFormat, formatAnswer, formatContent, FormatQuery } from "./answer_format.ts";
import { type Endpoint, FindingSchema, SummarySchema, type Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { NumberOrNonFinite } from "./json.ts";
import { checkLimit, LimitError, limitProblem } from "./limit_error.ts";
import { problemResponses } from "./problem_schema.ts";
import {
  type BodyExtras,
  extrasOptions,
  optionsProblem,
  readSeries,
  seriesFromInput,
  withImplied,
} from "./series_body.ts";
import { validate } from "./validation.ts";
import { workBudget } from "./work_budget.ts";

const LossValue = z.union([z.number(), z.null(), z.enum(["NaN", "Infinity", "-Infinity"])]);

/**
 * The options of a spike analysis (JSON fields, or query parameters for CSV and text): how the
 * points were logged and the epoch's length, or the data set and batch size it follows from.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SpikeOptionsSchema } from "./spikes.ts";
 * assertEquals(SpikeOptionsSchema.parse({ steps_per_epoch: 157 }), { steps_per_epoch: 157 });
 * assertEquals(SpikeOptionsSchema.safeParse({ log_every: 2.5 }).success, false);
 * ```
 */
export const SpikeOptionsSchema = z.object({
  log_every: z.number().int().min(1).optional().openapi({
    description: "Each point is the mean of this many steps (default 1).",
    example: 1,
  }),
  steps_per_epoch: z.number().int().min(1).optional().openapi({ example: 157 }),
  dataset_size: z.number().int().min(1).optional().openapi({ example: 5000 }),
  batch_size: z.number().int().min(1).optional().openapi({ example: 32 }),
  drop_last: z.boolean().optional().openapi({ description: "The DataLoader's drop_last." }),
  logged_as: z.enum(["value", "epoch-running-mean"]).optional().openapi({
    description: "How each loss value was formed: `value` (one step's loss, or the mean of " +
      "`log_every` steps; the default) or `epoch-running-mean` (the mean since the epoch began, as " +
      "Keras' progress bar and torchvision's MetricLogger average print it; it restarts at every " +
      "epoch boundary). Set from the file for the logs that say so.",
  }),
});

/**
 * An eval-loss, learning-rate or gradient-norm series: aligned with `loss` (null where it was
 * not measured), or on its own steps.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SideSeriesSchema } from "./spikes.ts";
 * assertEquals(SideSeriesSchema.safeParse([2.1, null, 1.9]).success, true);
 * assertEquals(SideSeriesSchema.safeParse({ steps: [0, 500], values: [2.1, "NaN"] }).success, true);
 * ```
 */
export const SideSeriesSchema = z.union([
  z.array(LossValue).openapi({
    description: "One value per loss point (null where it was not measured).",
  }),
  z.object({
    steps: z.array(z.number()).openapi({ description: "Training steps, increasing." }),
    values: z.array(LossValue),
  }).openapi({ description: "Values on steps of their own (e.g. an evaluation every 500 steps)." }),
]);

/**
 * The series a body may carry besides the loss (`eval_loss`, `learning_rate`, `grad_norm`,
 * each a {@linkcode SideSeriesSchema}) and `log_file`, the text of a training log instead of
 * `loss`; spread into the request schemas of `/v1/spikes` and `/v1/diagnose`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sideSeriesFields } from "./spikes.ts";
 * assertEquals(Object.keys(sideSeriesFields), ["eval_loss", "learning_rate", "grad_norm", "log_file"]);
 * ```
 */
export const sideSeriesFields = {
  eval_loss: SideSeriesSchema.optional().openapi({
    description: "The eval (validation) loss: `overfitting` when it rises while the loss falls.",
  }),
  learning_rate: SideSeriesSchema.optional().openapi({
    description: "The learning rate: a spike on a schedule event (warm-up's end, a restart, a " +
      "jump) is explained as such.",
  }),
  grad_norm: SideSeriesSchema.optional().openapi({ description: "The gradient norm." }),
  log_file: z.string().optional().openapi({
    description: "Instead of `loss`: the text of a training log file as the framework wrote it " +
      "(trainer_state.json, trainer_log.jsonl, Lightning metrics.csv, a Keras, torchvision or " +
      "nanoGPT log; CSV and one number per line also), recognised by content (`input.format`).",
  }),
};

/**
 * The training loss per logged point (the body's `loss`): numbers, with null, `"NaN"` and
 * `"±Infinity"` as data (non-finite losses).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LossSeriesSchema } from "./spikes.ts";
 * assertEquals(LossSeriesSchema.parse([2.31, null, "NaN"]), [2.31, null, "NaN"]);
 * assertEquals(LossSeriesSchema.safeParse([]).success, false);
 * ```
 */
export const LossSeriesSchema = z.array(LossValue).min(1).openapi({
  description:
    "The training loss per logged point; null, NaN and ±Infinity are data (non-finite losses). " +
    "At most MAX_SERIES_POINTS points (413 beyond).",
  example: [2.31, 2.2, 2.12, 8.4, 2.05],
});

/**
 * The training step of each loss point (the body's `steps`, strictly increasing; by default
 * index × `log_every`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { StepsSchema } from "./spikes.ts";
 * assertEquals(StepsSchema.parse([0, 50, 100]), [0, 50, 100]);
 * assertEquals(StepsSchema.parse(undefined), undefined);
 * ```
 */
export const StepsSchema = z.array(z.number()).optional().openapi({
  description: "Training step of each point (strictly increasing); default index × log_every.",
});

/**
 * The JSON body of `POST /v1/spikes`: the options, the loss (or a log file's text), its steps,
 * and the side series.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SpikesRequestSchema } from "./spikes.ts";
 * assertEquals(SpikesRequestSchema.safeParse({ loss: [2.3, 2.2], log_every: 10 }).success, true);
 * assertEquals(SpikesRequestSchema.safeParse({ log_every: 10 }).error?.issues[0].path, ["loss"]);
 * ```
 */
export const SpikesRequestSchema = SpikeOptionsSchema.extend({
  loss: LossSeriesSchema.optional(),
  steps: StepsSchema,
  ...sideSeriesFields,
}).refine((body) => body.loss !== undefined || body.log_file !== undefined, {
  message: "expected `loss` (an array of loss values) or `log_file` (a training log's text)",
  path: ["loss"],
}).openapi("SpikesRequest");

/**
 * What the analysis was given (`input`), the same in every answer that holds a spike analysis:
 * the format the body was read as, the points of each series, and the options the file implied.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { InputSchema } from "./spikes.ts";
 * const input = {
 *   format: "csv",
 *   series: { loss: 400, eval_loss: 0, learning_rate: 0, grad_norm: 0 },
 *   from_file: {},
 * };
 * assertEquals(InputSchema.safeParse(input).success, true);
 * ```
 */
export const InputSchema = z.object({
  format: z.enum(["json", "csv", "text", ...FRAMEWORK_FORMATS]).openapi({
    description: "What the body was read as: `json`, `csv`, `text`, or the framework file " +
      "recognised by content.",
  }),
  series: z.object({
    loss: z.number().int(),
    eval_loss: z.number().int(),
    learning_rate: z.number().int(),
    grad_norm: z.number().int(),
  }).openapi({ description: "Points in each series." }),
  from_file: z.object({
    steps_per_epoch: z.number().int().optional(),
    log_every: z.number().int().optional(),
    logged_as: z.enum(["value", "epoch-running-mean"]).optional(),
  }).openapi({
    description: "Options the file itself implied, used because the request gave none of its own.",
  }),
});

const SpikeSchema = z.object({
  step: z.number(),
  index: z.number().int(),
  value: NumberOrNonFinite,
  baseline: NumberOrNonFinite.openapi({ description: "Median of the 10 finite points before." }),
  ratio: NumberOrNonFinite,
  z: z.number(),
  direction: z.enum(["up", "down"]),
});

/**
 * The answer of `POST /v1/spikes` (`SpikeReport` of lib/spikes is its type): the spikes, the
 * period and phase, the epoch alignment, the last-step ratios, findings and the summary.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { stringify } from "./json.ts";
 * import { SpikesRequestSchema, SpikesResponseSchema, tool } from "./spikes.ts";
 * const input = SpikesRequestSchema.parse({ loss: [2.3, 2.2, 2.1, 9, 2.0, 1.9, 1.85, 1.8] });
 * const answer = JSON.parse(stringify(tool.run(input, defaultConfig)));
 * assertEquals(SpikesResponseSchema.safeParse(answer).success, true);
 * ```
 */
export const SpikesResponseSchema = z.object({
  n: z.number().int(),
  input: InputSchema,
  scale: z.enum(["log", "linear"]),
  non_finite: z.object({ count: z.number().int(), first_step: z.number().nullable() }),
  spike_count: z.number().int(),
  spikes: z.array(SpikeSchema).openapi({ description: "At most 10 000, in step order." }),
  periodicity: z.object({
    period: z.number().nullable().openapi({ description: "In training steps." }),
    phase: z.number().nullable().openapi({ description: "Step mod period." }),
    confidence: z.number().min(0).max(1),
    method: z.string(),
    kind: z.enum(["spikes-up", "spikes-down", "shape"]).nullable(),
    cycles: z.number().int().nullable(),
    evidence: z.string(),
  }),
  epoch_alignment: z.object({
    steps_per_epoch: z.number().int(),
    last_batch_size: z.number().int().nullable(),
    aligned: z.boolean(),
    position: z.enum(["last-step", "first-step", "whole-epoch", "other"]),
    alternative: z.enum(["last-step", "first-step"]).nullable().openapi({
      description: "When a point is the mean of several steps, the last step of an epoch and " +
        "the first of the next can fall in one point: the other position the spikes may " +
        "equally be at.",
    }),
  }).nullable(),
  last_batch: z.union([
    z.object({
      measured_ratio: NumberOrNonFinite.openapi({
        description: "Median over epochs of loss(last step) ÷ median(the 10 steps before).",
      }),
      min_ratio: z.union([NumberOrNonFinite, z.null()]),
      max_ratio: z.union([NumberOrNonFinite, z.null()]),
      epochs: z.number().int(),
      spike_share: z.number().min(0).max(1).openapi({
        description: "Share of epochs whose last step is a spike (|z| ≥ 3) in the ratio's " +
          "direction.",
      }),
      significant: z.boolean().openapi({
        description: "Whether the per-epoch ratios are significantly away from 1 and " +
          "consistent (t test on their logs, p ≤ 0.01, spread ≤ half their mean): only then is " +
          "a reduction inferred. Else the ratio is noise.",
      }),
      p_value: z.number(),
      inferred_reduction: z.enum(REDUCTIONS).nullable().openapi({
        description: "The reduction whose prediction matches (needs dataset_size and batch_size).",
      }),
      k: z.union([NumberOrNonFinite, z.null()]).openapi({
        description: "Its exponent: loss ∝ b^(1−k).",
      }),
      predicted_ratio: z.union([NumberOrNonFinite, z.null()]),
    }),
    z.null(),
  ]).openapi({
    description: "The loss at the last step of every epoch, and what the /v1/last-batch model " +
      "makes of it; null without an epoch length.",
  }),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
}).openapi("SpikesResponse");

/** A validated JSON body of `POST /v1/spikes`. */
export type SpikesRequest = z.infer<typeof SpikesRequestSchema>;

/**
 * Runs the analysis on parsed input, within the series limit (a `LimitError` over it) and the
 * counted-work budget (`MAX_ANALYSIS_WORK`; `label` names the request in the slow-search log
 * line).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { runSpikes, SpikeOptionsSchema } from "./spikes.ts";
 * const loss = Float64Array.from(
 *   { length: 400 },
 *   (_, i) => i === 200 ? 20 : 2 * Math.exp(-i / 200) + 0.02 * Math.sin(i * 1.7),
 * );
 * const options = SpikeOptionsSchema.parse({ log_every: 10 }); // a point every 10 steps
 * const report = runSpikes(loss, null, options, defaultConfig);
 * assertEquals(report.spikes.map((spike) => spike.step), [2000]);
 * const small = { ...defaultConfig, maxSeriesPoints: 100 };
 * assertThrows(() => runSpikes(loss, null, options, small), Error, "MAX_SERIES_POINTS = 100");
 * ```
 */
export function runSpikes(
  loss: Float64Array,
  steps: Float64Array | null,
  options: z.infer<typeof SpikeOptionsSchema>,
  config: Config,
  extras?: BodyExtras,
  label = "analyze_loss_spikes",
): SpikeReport {
  checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, loss.length, "the series", "points");
  checkExtrasLimits(extras, config);
  const spikeOptions: SpikeOptions = {
    ...extrasOptions(extras, options.logged_as),
    steps: steps ?? undefined,
    logEvery: options.log_every,
    stepsPerEpoch: options.steps_per_epoch,
    datasetSize: options.dataset_size,
    batchSize: options.batch_size,
    dropLast: options.drop_last,
    checkpoint: workBudget(config, label),
  };
  return analyzeSpikes(loss, spikeOptions);
}

/**
 * The series limit on the eval-loss, learning-rate and gradient-norm series of a raw body
 * (aligned arrays or `{ steps, values }`): a `LimitError` over `MAX_SERIES_POINTS`. O(1).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { checkSideSeriesLimits } from "./spikes.ts";
 * const config = { ...defaultConfig, maxSeriesPoints: 2 };
 * checkSideSeriesLimits({ eval_loss: [1, 2] }, config);
 * assertThrows(
 *   () => checkSideSeriesLimits({ grad_norm: { steps: [0, 1, 2], values: [1, 2, 3] } }, config),
 *   Error,
 *   "grad_norm",
 * );
 * ```
 */
export function checkSideSeriesLimits(raw: unknown, config: Config): void {
  if (typeof raw !== "object" || raw === null) return;
  for (const name of ["eval_loss", "learning_rate", "grad_norm"]) {
    const value = (raw as Record<string, unknown>)[name];
    const values = Array.isArray(value)
      ? value
      : (value as { values?: unknown } | undefined)?.values;
    if (Array.isArray(values)) {
      checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, values.length, name, "points");
    }
  }
}

/**
 * The series limit on the series a parsed body holds besides the loss (a framework file's eval
 * loss, learning rate, gradient norm): a `LimitError` over `MAX_SERIES_POINTS`.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { checkExtrasLimits } from "./spikes.ts";
 * const extras = {
 *   format: "json" as const,
 *   series: {
 *     eval_loss: {
 *       steps: Float64Array.of(0, 500, 1000),
 *       values: Float64Array.of(2.1, 1.9, 1.8),
 *       aligned: false,
 *     },
 *   },
 *   fromFile: {},
 * };
 * checkExtrasLimits(extras, defaultConfig);
 * assertThrows(() => checkExtrasLimits(extras, { ...defaultConfig, maxSeriesPoints: 2 }));
 * ```
 */
export function checkExtrasLimits(extras: BodyExtras | undefined, config: Config): void {
  for (const [name, series] of Object.entries(extras?.series ?? {})) {
    checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, series.values.length, name, "points");
  }
}

/**
 * The spike analysis as a tool (the HTTP handler and the MCP tool both run it), behind
 * `POST /v1/spikes` — why does my loss spike? Spikes, period and phase, epoch alignment, causes.
 *
 * The body is JSON (`{"loss": [...]}`, also as Python's json.dumps writes it, with bare NaN and
 * Infinity), a CSV export (TensorBoard, W&B, `step,loss`) or one number per line; for CSV and
 * text the options come as query parameters. The body is parsed here, not by the OpenAPI
 * validator (which would refuse anything but application/json), and the options are checked
 * with the same zod schema the contract documents. The loss array itself is checked by the
 * parser in one typed pass: a 10⁶-point series must not cost a zod walk per element.
 *
 * `run` reads the series (`seriesFromJson`: a `loss` array or a `log_file`), merges the options
 * the file implied, and calls `analyzeSpikes` of lib/spikes (the method, its references and its
 * cost are documented there) through {@linkcode runSpikes}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { SpikesRequestSchema, tool } from "./spikes.ts";
 * const loss: (number | "NaN")[] = Array.from(
 *   { length: 400 },
 *   (_, i) => 2 * Math.exp(-i / 200) + 0.02 * Math.sin(i * 1.7),
 * );
 * loss[200] = 20; // a 10× spike
 * loss[300] = "NaN";
 * const report = tool.run(SpikesRequestSchema.parse({ loss }), defaultConfig);
 * assertEquals([report.n, report.input.format], [400, "json"]);
 * assertEquals(report.non_finite, { count: 1, first_step: 300 });
 * assertEquals(report.spikes.map((spike) => [spike.step, spike.direction]), [[200, "up"]]);
 * ```
 */
export const tool: Tool<SpikesRequest, SpikeReport> = {
  name: "analyze_loss_spikes",
  title: "Analyze loss spikes",
  description:
    "Finds the spikes of a training-loss series, their period and phase, whether they line up with epoch boundaries (the last partial batch), and the likely cause with concrete fixes.",
  input: SpikesRequestSchema,
  output: SpikesResponseSchema,
  precheck(raw, config) {
    const body = (raw ?? {}) as { loss?: unknown; steps?: unknown };
    for (const [name, series] of [["loss", body.loss], ["steps", body.steps]] as const) {
      if (!Array.isArray(series)) continue;
      checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, series.length, name, "points");
    }
    checkSideSeriesLimits(raw, config);
  },
  run(input, config) {
    const body = seriesFromInput(input, config);
    const { options, extras } = withImplied(body, body.fields);
    const parsed = SpikeOptionsSchema.parse(options);
    return runSpikes(body.loss, body.steps, parsed, config, extras);
  },
};

const route = createRoute({
  method: "post",
  path: "/v1/spikes",
  operationId: "analyzeSpikes",
  tags: ["analysis"],
  summary: "Find loss spikes, their period, and their cause",
  description:
    "Accepts JSON (also with bare NaN/Infinity tokens as Python writes them), text/csv with a header (TensorBoard `Wall time,Step,Value`, W&B `Step,<run> - loss`, `step,loss`), or text/plain with one number per line; for CSV and text, the options are query parameters (a JSON body may take from the query the options it does not hold). Answers JSON, or the Markdown summary (`Accept: text/markdown`, `?format=markdown`), or the loss plot with spikes and epoch ends (`Accept: image/svg+xml`, `?format=svg`).",
  request: {
    query: z.object({
      format: FormatQuery,
      log_every: z.string().optional(),
      steps_per_epoch: z.string().optional(),
      dataset_size: z.string().optional(),
      batch_size: z.string().optional(),
      drop_last: z.enum(["true", "false"]).optional(),
      logged_as: z.enum(["value", "epoch-running-mean"]).optional(),
      column: z.string().optional().openapi({ description: "CSV: the loss column to use." }),
    }),
    body: {
      required: true,
      content: {
        "application/json": { schema: SpikesRequestSchema },
        "text/csv": {
          schema: z.string().openapi({ example: "Wall time,Step,Value\n1.7e9,0,2.31\n" }),
        },
        "text/plain": { schema: z.string().openapi({ example: "2.31\n2.20\nnan\n" }) },
      },
    },
  },
  responses: {
    200: {
      description: "The analysis (JSON), its summary (Markdown) or its plot (SVG).",
      content: formatContent(SpikesResponseSchema),
    },
    ...problemResponses(400, 406, 408, 413, 415, 422),
  },
});

/**
 * `POST /v1/spikes`: its contract, its tool ({@linkcode tool}) and its handler, which reads a
 * JSON, CSV or text body (`readSeries`), validates the options with
 * {@linkcode SpikeOptionsSchema} and answers in the negotiated form (JSON, Markdown or SVG).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { endpoint } from "./spikes.ts";
 * const app = new Hono().post(endpoint.route.path, endpoint.handler(defaultConfig));
 * const text = Array.from(
 *   { length: 200 },
 *   (_, i) => i === 100 ? 20 : 2 * Math.exp(-i / 100) + 0.02 * Math.sin(i * 1.7),
 * );
 * const answer = await app.request("/v1/spikes?log_every=5", {
 *   method: "POST",
 *   headers: { "content-type": "text/plain" },
 *   body: text.join("\n"),
 * });
 * const report = await answer.json();
 * assertEquals([report.input.format, report.spike_count, report.spikes[0].step], ["text", 1, 500]);
 * const zero = await app.request("/v1/spikes?log_every=0", {
 *   method: "POST",
 *   headers: { "content-type": "text/plain" },
 *   body: text.join("\n"),
 * });
 * assertEquals((await zero.json()).errors[0].pointer, "/query/log_every");
 * ```
 */
export const endpoint: Endpoint = {
  route,
  tool,
  handler: (config) => (c) => handle(c, config),
};

async function handle(c: Context, config: Config): Promise<Response> {
  const format = answerFormat(c);
  if (format instanceof Response) return format;
  const series = await readSeries(c, config);
  if (series instanceof Response) return series;
  const parsed = validate(SpikeOptionsSchema, series.options);
  if (!parsed.success) return optionsProblem(parsed.issues, series);
  try {
    const { loss, steps } = series;
    const report = runSpikes(loss, steps, parsed.data, config, series.extras, "POST /v1/spikes");
    return formatAnswer(format, {
      json: () => report,
      markdown: () => report.summary,
      svg: () => spikePlot({ loss, steps, logEvery: parsed.data.log_every, report }),
    });
  } catch (error) {
    if (error instanceof LimitError) return limitProblem(error);
    throw error;
  }
}
