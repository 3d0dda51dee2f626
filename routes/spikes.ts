/**
 * POST /v1/spikes — why does my loss spike? Spikes, period and phase, epoch alignment, causes.
 *
 * The body is JSON (`{"loss": [...]}`, also as Python's json.dumps writes it, with bare NaN and
 * Infinity), a CSV export (TensorBoard, W&B, `step,loss`) or one number per line; for CSV and
 * text the options come as query parameters. The body is parsed here, not by the OpenAPI
 * validator (which would refuse anything but application/json), and the options are checked
 * with the same zod schema the contract documents. The loss array itself is checked by the
 * parser in one typed pass: a 10⁶-point series must not cost a zod walk per element.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { spikePlot } from "../lib/diagnose/mod.ts";
import { analyzeSpikes, type SpikeOptions, type SpikeReport } from "../lib/spikes/mod.ts";
import { answerFormat, formatAnswer, formatContent, FormatQuery } from "./answer_format.ts";
import type { App } from "./app.ts";
import { FindingSchema, SummarySchema, type Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { NumberOrNonFinite } from "./json.ts";
import { checkLimit, LimitError, limitProblem } from "./limit_error.ts";
import { problemResponses } from "./problem.ts";
import { optionsProblem, readSeries } from "./series_body.ts";
import { validate } from "./validation.ts";
import { workBudget } from "./work_budget.ts";

const LossValue = z.union([z.number(), z.null(), z.enum(["NaN", "Infinity", "-Infinity"])]);

/** The options of a spike analysis (JSON fields, or query parameters for CSV and text). */
export const SpikeOptionsSchema = z.object({
  log_every: z.number().int().min(1).optional().openapi({
    description: "Each point is the mean of this many steps (default 1).",
    example: 1,
  }),
  steps_per_epoch: z.number().int().min(1).optional().openapi({ example: 157 }),
  dataset_size: z.number().int().min(1).optional().openapi({ example: 5000 }),
  batch_size: z.number().int().min(1).optional().openapi({ example: 32 }),
  drop_last: z.boolean().optional().openapi({ description: "The DataLoader's drop_last." }),
});

/** The JSON body of POST /v1/spikes. */
export const SpikesRequestSchema = SpikeOptionsSchema.extend({
  loss: z.array(LossValue).min(1).openapi({
    description:
      "The training loss per logged point; null, NaN and ±Infinity are data (non-finite losses). " +
      "At most MAX_SERIES_POINTS points (413 beyond).",
    example: [2.31, 2.2, 2.12, 8.4, 2.05],
  }),
  steps: z.array(z.number()).optional().openapi({
    description: "Training step of each point (strictly increasing); default index × log_every.",
  }),
}).openapi("SpikesRequest");

const SpikeSchema = z.object({
  step: z.number(),
  index: z.number().int(),
  value: NumberOrNonFinite,
  baseline: NumberOrNonFinite.openapi({ description: "Median of the 10 finite points before." }),
  ratio: NumberOrNonFinite,
  z: z.number(),
  direction: z.enum(["up", "down"]),
});

/** The answer of POST /v1/spikes. */
export const SpikesResponseSchema = z.object({
  n: z.number().int(),
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
  }).nullable(),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
}).openapi("SpikesResponse");

type SpikesRequest = z.infer<typeof SpikesRequestSchema>;

/**
 * Runs the analysis on parsed input, within the series limit and the counted-work budget
 * (`MAX_ANALYSIS_WORK`; `label` names the request in the slow-search log line).
 */
export function runSpikes(
  loss: Float64Array,
  steps: Float64Array | null,
  options: z.infer<typeof SpikeOptionsSchema>,
  config: Config,
  label = "analyze_loss_spikes",
): SpikeReport {
  checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, loss.length, "the series", "points");
  const spikeOptions: SpikeOptions = {
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

/** The spike analysis as a tool (HTTP and MCP). */
export const tool: Tool<SpikesRequest, SpikeReport> = {
  name: "analyze_loss_spikes",
  title: "Analyze loss spikes",
  description:
    "Finds the spikes of a training-loss series, their period and phase, whether they line up with epoch boundaries (the last partial batch), and the likely cause with concrete fixes.",
  input: SpikesRequestSchema,
  precheck(raw, config) {
    const body = (raw ?? {}) as { loss?: unknown; steps?: unknown };
    for (const [name, series] of [["loss", body.loss], ["steps", body.steps]] as const) {
      if (!Array.isArray(series)) continue;
      checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, series.length, name, "points");
    }
  },
  run(input, config) {
    const toNumber = (v: number | string | null) =>
      v === null ? NaN : typeof v === "number" ? v : Number(v);
    const loss = Float64Array.from(input.loss, toNumber);
    const steps = input.steps ? Float64Array.from(input.steps) : null;
    return runSpikes(loss, steps, input, config);
  },
};

const route = createRoute({
  method: "post",
  path: "/v1/spikes",
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

/** Registers POST /v1/spikes. */
export function register(app: App, config: Config): void {
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, (c) => handle(c, config));
}

async function handle(c: Context, config: Config): Promise<Response> {
  const format = answerFormat(c);
  if (format instanceof Response) return format;
  const series = await readSeries(c, config);
  if (series instanceof Response) return series;
  const parsed = validate(SpikeOptionsSchema, series.options);
  if (!parsed.success) return optionsProblem(parsed.issues, series);
  try {
    const { loss, steps } = series;
    const report = runSpikes(loss, steps, parsed.data, config, "POST /v1/spikes");
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
