import { createRoute, z } from "./zod.ts";
import type { Context } from "hono";
import { diagnose, type DiagnoseReport, spikePlot } from "../lib/diagnose/mod.ts";
import { answerFormat, formatAnswer, formatContent } from "./answer_format.ts";
import type { Endpoint, Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { checkContrastiveLimits } from "./contrastive.ts";
import {
  DIAGNOSE_QUERY_OPTIONS,
  type DiagnoseOptions,
  DiagnoseOptionsSchema,
  DiagnoseQuerySchema,
  type DiagnoseRequest,
  DiagnoseRequestSchema,
  DiagnoseResponseSchema,
} from "./diagnose_schemas.ts";
import { MAX_MICRO_BATCHES } from "./last-batch.ts";
import { checkLimit, LimitError, limitProblem } from "./limit_error.ts";
import { problemResponses } from "./problem_schema.ts";
import {
  type BodyExtras,
  extrasOptions,
  optionsProblem,
  readOptionalSeries,
  seriesFromInput,
  withImplied,
} from "./series_body.ts";
import { checkExtrasLimits, checkSideSeriesLimits } from "./spikes.ts";
import { validate } from "./validation.ts";
import { workBudget } from "./work_budget.ts";

/**
 * Runs the diagnosis on parsed input, within the service's limits (a `LimitError` over one) and
 * the counted-work budget of its spike analysis (`MAX_ANALYSIS_WORK`; `label` names the request
 * in the slow-search log). `loss` null runs the checks a configuration allows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { runDiagnose } from "./diagnose.ts";
 * import { DiagnoseOptionsSchema } from "./diagnose_schemas.ts";
 * const loss = Float64Array.from({ length: 400 }, (_, i) => 2 * Math.exp(-i / 100));
 * const report = runDiagnose(loss, null, DiagnoseOptionsSchema.parse({}), defaultConfig);
 * assertEquals(report.checks[0], { name: "spikes", ran: true, reason: "400 points" });
 * assertEquals(report.results.last_batch, null); // needs dataset_size and batch_size
 * ```
 */
export function runDiagnose(
  loss: Float64Array | null,
  steps: Float64Array | null,
  options: DiagnoseOptions,
  config: Config,
  extras?: BodyExtras,
  label = "diagnose",
): DiagnoseReport {
  if (loss) checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, loss.length, "loss", "points");
  if (options.contrastive) checkContrastiveLimits(options.contrastive, config);
  checkExtrasLimits(extras, config);
  return diagnose({
    spikeExtras: extrasOptions(extras, options.logged_as),
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
    checkpoint: workBudget(config, label),
  });
}

/**
 * The limits on the raw body, before the schema walks it (a `LimitError` over one): `loss` and
 * `steps` points, the side series, the nested contrastive request's (see
 * `checkContrastiveLimits`), the number of micro-batches. O(rows).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { checkDiagnoseLimits } from "./diagnose.ts";
 * const config = { ...defaultConfig, maxSeriesPoints: 3 };
 * checkDiagnoseLimits({ loss: [3, 2, 1] }, config);
 * assertThrows(() => checkDiagnoseLimits({ loss: [4, 3, 2, 1] }, config), Error, "MAX_SERIES_POINTS");
 * ```
 */
export function checkDiagnoseLimits(raw: unknown, config: Config): void {
  const body = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const [name, series] of [["loss", body.loss], ["steps", body.steps]] as const) {
    if (!Array.isArray(series)) continue;
    checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, series.length, name, "points");
  }
  checkSideSeriesLimits(body, config);
  if (Array.isArray(body.items_per_micro_batch)) {
    const items = body.items_per_micro_batch.length;
    checkLimit("MAX_MICRO_BATCHES", MAX_MICRO_BATCHES, items, "items_per_micro_batch", "numbers");
  }
  checkContrastiveLimits(body.contrastive, config);
}

/**
 * The diagnosis's plot (SVG): the loss curve with the spikes, captioned with the first finding;
 * null without a loss series or when the spike check did not run.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { diagnosePlot, runDiagnose } from "./diagnose.ts";
 * import { DiagnoseOptionsSchema } from "./diagnose_schemas.ts";
 * const loss = Float64Array.from({ length: 400 }, (_, i) => 2 * Math.exp(-i / 100));
 * const report = runDiagnose(loss, null, DiagnoseOptionsSchema.parse({}), defaultConfig);
 * assertEquals(diagnosePlot(loss, null, undefined, report)?.startsWith("<svg"), true);
 * assertEquals(diagnosePlot(null, null, undefined, report), null);
 * ```
 */
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

/**
 * The diagnosis as a tool (the HTTP handler and the MCP tool both run it), behind
 * `POST /v1/diagnose`: everything known about a training run in one body; every check it
 * allows, one list of findings (de-duplicated across checks, most severe first), each check's
 * answer, and one Markdown summary. Over HTTP also as Markdown or as the loss plot (`?format=`,
 * `Accept`).
 *
 * The body's shape: the fields of `/v1/spikes` (`loss`, `steps`, `log_every`, `steps_per_epoch`,
 * `dataset_size`, `batch_size`, `drop_last`) and of `/v1/last-batch` (`reduction`, `world_size`,
 * `sampler_drop_last`, `grad_accum_steps`, `items_per_micro_batch`, `optimizer`,
 * `grad_noise_scale`) side by side at the top level, since they describe the same run and share
 * `dataset_size`, `batch_size` and `drop_last`; and the body of `/v1/contrastive` nested under
 * `contrastive`, since its `batch_size` is the contrastive batch (B − 1 negatives), another
 * thing. The checks run when their inputs are there (see lib/diagnose). A CSV or text body is a
 * loss series alone, its options in the query, as for `/v1/spikes` (whose JSON bodies may also
 * take from the query the options they do not hold).
 *
 * The loss array is parsed by `lib/parse` in one typed pass (not a zod walk per element), the
 * options by the zod schema of diagnose_schemas.ts, which is also the contract's and the MCP
 * tool's.
 *
 * Cost: the checks' own (lib/diagnose); the spike analysis within the counted-work budget
 * `MAX_ANALYSIS_WORK`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { tool } from "./diagnose.ts";
 * import { DiagnoseRequestSchema } from "./diagnose_schemas.ts";
 * // a configuration alone: the last-batch check runs, the other two say what they need
 * const input = DiagnoseRequestSchema.parse({
 *   dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean",
 * });
 * const report = tool.run(input, defaultConfig);
 * assertEquals(report.checks.map((check) => [check.name, check.ran]), [
 *   ["spikes", false], ["last_batch", true], ["contrastive", false],
 * ]);
 * assertEquals(report.checks[0].reason, "no `loss` series");
 * assertEquals(report.findings.map((f) => f.id), ["batch-size-dependent-loss", "partial-last-batch"]);
 * ```
 */
export const tool: Tool<DiagnoseRequest, DiagnoseReport> = {
  name: "diagnose",
  title: "Diagnose a training run",
  description: "Give whatever you know about a training run — the loss series, the data " +
    "loader's dataset_size/batch_size/drop_last and loss reduction, world size, gradient " +
    "accumulation, optimizer, and (nested under `contrastive`) a contrastive set-up — and get " +
    "every applicable check (loss spikes, last partial batch, contrastive overflow) in one " +
    "answer: findings de-duplicated across checks and ranked by severity, with fixes.",
  input: DiagnoseRequestSchema as unknown as z.ZodType<DiagnoseRequest>,
  output: DiagnoseResponseSchema,
  precheck: checkDiagnoseLimits,
  run(input, config) {
    if (input.loss === undefined && input.log_file === undefined) {
      return runDiagnose(null, null, input, config);
    }
    const body = seriesFromInput(input, config);
    const { options, extras } = withImplied(body, body.fields);
    // The options were validated with the request; a log file's may be new. The nested
    // contrastive set-up is kept aside: validated already, its "NaN"/"Infinity" strings are
    // numbers now, which its schema would refuse a second time.
    const { contrastive, ...rest } = options as Record<string, unknown>;
    const parsed = validate(DiagnoseOptionsSchema, rest);
    if (!parsed.success) {
      const [issue] = parsed.issues;
      throw new TypeError(`/${issue.path.join("/")}: ${issue.message}`);
    }
    const merged = { ...parsed.data, contrastive } as DiagnoseOptions;
    return runDiagnose(body.loss, body.steps, merged, config, extras);
  },
};

const route = createRoute({
  method: "post",
  path: "/v1/diagnose",
  operationId: "diagnose",
  tags: ["analysis"],
  summary: "Every check at once: spikes, last batch, contrastive overflow",
  description: tool.description +
    " A text/csv or text/plain body is a loss series alone, its options in the query (a JSON " +
    "body may take from the query the options it does not hold). The " +
    "answer is JSON, or Markdown (`Accept: text/markdown`, `?format=markdown`), or the loss plot " +
    "as SVG (`Accept: image/svg+xml`, `?format=svg`; 406 without a loss series).",
  request: {
    query: DiagnoseQuerySchema,
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
    ...problemResponses(400, 406, 408, 413, 415, 422),
  },
});

/**
 * `POST /v1/diagnose`: its contract, its tool ({@linkcode tool}) and its handler, which reads a
 * JSON, CSV or text body (`readOptionalSeries`), checks the limits, validates the options and
 * answers in the negotiated form (JSON, Markdown or SVG).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { endpoint } from "./diagnose.ts";
 * const app = new Hono().post(endpoint.route.path, endpoint.handler(defaultConfig));
 * const answer = await app.request("/v1/diagnose?format=markdown", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ dataset_size: 5000, batch_size: 32, reduction: "mean" }),
 * });
 * assertEquals(answer.headers.get("content-type"), "text/markdown; charset=utf-8");
 * const svg = await app.request("/v1/diagnose?format=svg", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ dataset_size: 5000, batch_size: 32, reduction: "mean" }),
 * });
 * assertEquals(svg.status, 406); // no loss series, nothing to plot
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
  const body = await readOptionalSeries(c, config, DIAGNOSE_QUERY_OPTIONS);
  if (body instanceof Response) return body;
  try {
    checkDiagnoseLimits(body.options, config);
    const parsed = validate(DiagnoseOptionsSchema, body.options);
    if (!parsed.success) return optionsProblem(parsed.issues, body);
    const report = runDiagnose(
      body.loss,
      body.steps,
      parsed.data,
      config,
      body.extras,
      "POST /v1/diagnose",
    );
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
