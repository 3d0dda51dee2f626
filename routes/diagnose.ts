/**
 * `POST /v1/diagnose`: everything known about a training run in one body; every check it allows,
 * one list of findings (de-duplicated across checks, most severe first), each check's answer,
 * and one Markdown summary. Also as Markdown or as the loss plot (`?format=`, `Accept`).
 *
 * The body's shape: the fields of `/v1/spikes` (`loss`, `steps`, `log_every`, `steps_per_epoch`,
 * `dataset_size`, `batch_size`, `drop_last`) and of `/v1/last-batch` (`reduction`, `world_size`,
 * `sampler_drop_last`, `grad_accum_steps`, `items_per_micro_batch`, `optimizer`,
 * `grad_noise_scale`) side by side at the top level, since they describe the same run and share
 * `dataset_size`, `batch_size` and `drop_last`; and the body of `/v1/contrastive` nested under
 * `contrastive`, since its `batch_size` is the contrastive batch (B − 1 negatives), another
 * thing. The checks run when their inputs are there (see lib/diagnose). A CSV or text body is a
 * loss series alone, its options in the query, as for `/v1/spikes`.
 *
 * The loss array is parsed by `lib/parse` in one typed pass (not a zod walk per element), the
 * options by the zod schema below, which is also the contract's and the MCP tool's.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { CHECKS, diagnose, type DiagnoseReport, spikePlot } from "../lib/diagnose/mod.ts";
import type { App } from "./app.ts";
import { answerFormat, formatAnswer, formatContent, FormatQuery } from "./answer_format.ts";
import { FindingSchema, SummarySchema, type Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { checkContrastiveLimits, contrastive } from "./contrastive.ts";
import { ContrastiveOutput } from "./contrastive_schemas.ts";
import { LastBatchRequest, LastBatchResponse } from "./last-batch.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { problemResponses, validationProblem } from "./problem.ts";
import { readOptionalSeries } from "./series_body.ts";
import { SpikeOptionsSchema, SpikesRequestSchema, SpikesResponseSchema } from "./spikes.ts";

const loader = LastBatchRequest.shape;
const spikeOptions = SpikeOptionsSchema.shape;

/** The options of a diagnosis: everything but the loss series (and its steps). */
const optionFields = {
  log_every: spikeOptions.log_every,
  steps_per_epoch: spikeOptions.steps_per_epoch,
  dataset_size: loader.dataset_size.optional(),
  batch_size: loader.batch_size.optional(),
  drop_last: z.boolean().optional().openapi({
    description: "`DataLoader(drop_last=...)` (default false).",
  }),
  reduction: loader.reduction.optional().openapi({
    description: "How the batch loss is reduced (see /v1/last-batch). When absent, the one the " +
      "loss series' last-batch ratio points to, else `mean`; the answer's " +
      "`results.last_batch.reduction_source` says which.",
  }),
  world_size: loader.world_size,
  sampler_drop_last: loader.sampler_drop_last,
  grad_accum_steps: loader.grad_accum_steps,
  items_per_micro_batch: loader.items_per_micro_batch,
  optimizer: loader.optimizer,
  grad_noise_scale: loader.grad_noise_scale,
  contrastive: contrastive.input.optional().openapi({
    description: "The body of POST /v1/contrastive, nested (its `batch_size` is the " +
      "contrastive batch, not the data loader's).",
  }),
};

/** The last-batch check's own rules (a batch larger than a rank's share, …), when it runs. */
function refineLoader(
  body: { dataset_size?: number; batch_size?: number; reduction?: string },
  ctx: z.RefinementCtx,
): void {
  if (body.dataset_size === undefined || body.batch_size === undefined) return;
  const { contrastive: _, log_every: _l, steps_per_epoch: _s, ...loaderFields } = body as Record<
    string,
    unknown
  >;
  const checked = LastBatchRequest.safeParse({
    ...loaderFields,
    reduction: body.reduction ?? "mean",
  });
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
}

/** The options as JSON fields (or query parameters of a CSV/text body). */
export const DiagnoseOptionsSchema = z.object(optionFields).superRefine(refineLoader);

/** The JSON body of POST /v1/diagnose (also the MCP tool's input). */
export const DiagnoseRequestSchema = z.object({
  loss: SpikesRequestSchema.shape.loss.optional(),
  steps: SpikesRequestSchema.shape.steps,
  ...optionFields,
}).superRefine(refineLoader).openapi("DiagnoseRequest", {
  example: {
    loss: [0.35, 0.33, 0.34, 0.32, 1.31, 0.31],
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
  },
});

type DiagnoseOptions = z.infer<typeof DiagnoseOptionsSchema>;
type DiagnoseRequest = z.infer<typeof DiagnoseRequestSchema>;

const CheckSchema = z.enum(CHECKS);

/** The answer of POST /v1/diagnose. */
export const DiagnoseResponseSchema = z.object({
  checks: z.array(z.object({ name: CheckSchema, ran: z.boolean(), reason: z.string() }))
    .openapi({ description: "Each check, whether it ran, and why (or what it needs)." }),
  findings: z.array(
    FindingSchema.extend({
      checks: z.array(CheckSchema).openapi({ description: "The checks that raised it." }),
      merged_ids: z.array(FindingSchema.shape.id).openapi({
        description: "The findings merged into this one, its own id first.",
      }),
    }).openapi("DiagnosedFinding"),
  ).openapi({ description: "One per problem across checks, most severe first." }),
  results: z.object({
    spikes: SpikesResponseSchema.nullable(),
    last_batch: LastBatchResponse.extend({
      reduction_source: z.enum(["given", "inferred", "assumed"]),
    }).nullable(),
    contrastive: ContrastiveOutput.nullable(),
  }).openapi({ description: "Each check's own answer; null when it did not run." }),
  notes: z.array(z.string()).openapi({
    description: "What needed two checks: the measured last-batch jump against the predicted one.",
  }),
  summary: SummarySchema,
}).openapi("DiagnoseResponse");

/** Runs the diagnosis on parsed input, within the service's limits. */
export function runDiagnose(
  loss: Float64Array | null,
  steps: Float64Array | null,
  options: DiagnoseOptions,
  config: Config,
): DiagnoseReport {
  if (loss && loss.length > config.maxSeriesPoints) {
    throw new LimitError(
      `the loss series has ${loss.length} points, more than MAX_SERIES_POINTS = ` +
        `${config.maxSeriesPoints}`,
      "MAX_SERIES_POINTS",
      config.maxSeriesPoints,
    );
  }
  if (options.contrastive) checkContrastiveLimits(options.contrastive, config);
  return diagnose({
    loss,
    steps,
    logEvery: options.log_every,
    stepsPerEpoch: options.steps_per_epoch,
    datasetSize: options.dataset_size,
    batchSize: options.batch_size,
    dropLast: options.drop_last,
    reduction: options.reduction,
    worldSize: options.world_size,
    samplerDropLast: options.sampler_drop_last,
    gradAccumSteps: options.grad_accum_steps,
    itemsPerMicroBatch: options.items_per_micro_batch,
    optimizer: options.optimizer,
    gradNoiseScale: options.grad_noise_scale,
    contrastive: options.contrastive,
  });
}

/** The diagnosis's plot: the loss curve with the spikes, captioned with the first finding. */
export function diagnosePlot(
  loss: Float64Array | null,
  steps: Float64Array | null,
  logEvery: number | undefined,
  report: DiagnoseReport,
): string | null {
  const spikes = report.results.spikes;
  if (!loss || !spikes) return null;
  return spikePlot({ loss, steps, logEvery, report: spikes, finding: report.findings[0] ?? null });
}

/** The diagnosis as a tool (HTTP and MCP). */
export const tool: Tool<DiagnoseRequest, DiagnoseReport> = {
  name: "diagnose",
  title: "Diagnose a training run",
  description: "Give whatever you know about a training run — the loss series, the data " +
    "loader's dataset_size/batch_size/drop_last and loss reduction, world size, gradient " +
    "accumulation, optimizer, and (nested under `contrastive`) a contrastive set-up — and get " +
    "every applicable check (loss spikes, last partial batch, contrastive overflow) in one " +
    "answer: findings de-duplicated across checks and ranked by severity, with fixes.",
  input: DiagnoseRequestSchema as unknown as z.ZodType<DiagnoseRequest>,
  run(input, config) {
    const { loss, steps, ...options } = input;
    const toNumber = (v: number | string | null) =>
      v === null ? NaN : typeof v === "number" ? v : Number(v);
    return runDiagnose(
      loss ? Float64Array.from(loss, toNumber) : null,
      steps ? Float64Array.from(steps) : null,
      options,
      config,
    );
  },
};

const route = createRoute({
  method: "post",
  path: "/v1/diagnose",
  tags: ["analysis"],
  summary: "Every check at once: spikes, last batch, contrastive overflow",
  description: tool.description +
    " A text/csv or text/plain body is a loss series alone, its options in the query. The " +
    "answer is JSON, or Markdown (`Accept: text/markdown`, `?format=markdown`), or the loss plot " +
    "as SVG (`Accept: image/svg+xml`, `?format=svg`; 406 without a loss series).",
  request: {
    query: z.object({
      format: FormatQuery,
      log_every: z.string().optional(),
      steps_per_epoch: z.string().optional(),
      dataset_size: z.string().optional(),
      batch_size: z.string().optional(),
      drop_last: z.enum(["true", "false"]).optional(),
      reduction: z.string().optional(),
      world_size: z.string().optional(),
      sampler_drop_last: z.enum(["true", "false"]).optional(),
      grad_accum_steps: z.string().optional(),
      grad_noise_scale: z.string().optional(),
      column: z.string().optional().openapi({ description: "CSV: the loss column to use." }),
    }),
    body: {
      required: true,
      content: {
        "application/json": { schema: DiagnoseRequestSchema },
        "text/csv": { schema: z.string().openapi({ example: "step,loss\n0,2.31\n1,2.20\n" }) },
        "text/plain": { schema: z.string().openapi({ example: "2.31\n2.20\nnan\n" }) },
      },
    },
  },
  responses: {
    200: {
      description: "The diagnosis (JSON), its summary (Markdown) or its plot (SVG).",
      content: formatContent(DiagnoseResponseSchema),
    },
    ...problemResponses(406, 413, 415, 422),
  },
});

/** The options a CSV or text body takes from the query. */
const QUERY_OPTIONS = [
  "log_every",
  "steps_per_epoch",
  "dataset_size",
  "batch_size",
  "drop_last",
  "reduction",
  "world_size",
  "sampler_drop_last",
  "grad_accum_steps",
  "grad_noise_scale",
];

/** Registers POST /v1/diagnose. */
export function register(app: App, config: Config): void {
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, (c) => handle(c, config));
}

async function handle(c: Context, config: Config): Promise<Response> {
  const format = answerFormat(c);
  if (format instanceof Response) return format;
  const body = await readOptionalSeries(c, config, QUERY_OPTIONS);
  if (body instanceof Response) return body;
  const parsed = DiagnoseOptionsSchema.safeParse(body.options);
  if (!parsed.success) return validationProblem(parsed.error.issues, body.pointerPrefix);
  try {
    const report = runDiagnose(body.loss, body.steps, parsed.data, config);
    return formatAnswer(format, {
      json: () => report,
      markdown: () => report.summary,
      svg: () => diagnosePlot(body.loss, body.steps, parsed.data.log_every, report),
      noPlot: "the SVG answer is a plot of the loss series: send `loss` (or a CSV/text body)",
    });
  } catch (error) {
    if (error instanceof LimitError) return limitProblem(error);
    throw error;
  }
}
