import { z } from "./zod.ts";
import { CHECKS } from "../lib/diagnose/mod.ts";
import { FormatQuery } from "./answer_format.ts";
import { FindingSchema, SummarySchema } from "./common.ts";
import { contrastive } from "./contrastive.ts";
import { ContrastiveOutput } from "./contrastive_schemas.ts";
import { LastBatchRequest, LastBatchResponse } from "./last-batch.ts";
import {
  LossSeriesSchema,
  sideSeriesFields,
  SpikeOptionsSchema,
  SpikesResponseSchema,
  StepsSchema,
} from "./spikes.ts";

const loader = LastBatchRequest.shape;
const spikeOptions = SpikeOptionsSchema.shape;

/** The options of a diagnosis: everything but the loss series (and its steps). */
const optionFields = {
  log_every: spikeOptions.log_every,
  steps_per_epoch: spikeOptions.steps_per_epoch,
  logged_as: spikeOptions.logged_as,
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
  const {
    contrastive: _,
    log_every: _l,
    steps_per_epoch: _s,
    logged_as: _a,
    eval_loss: _e,
    learning_rate: _r,
    grad_norm: _g,
    log_file: _f,
    ...loaderFields
  } = body as Record<string, unknown>;
  const checked = LastBatchRequest.safeParse({
    ...loaderFields,
    reduction: body.reduction ?? "mean",
  });
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
}

/**
 * The options as JSON fields (or query parameters of a CSV/text body): everything of
 * {@linkcode DiagnoseRequestSchema} but the loss series and its steps.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DiagnoseOptionsSchema } from "./diagnose_schemas.ts";
 * assertEquals(DiagnoseOptionsSchema.parse({ log_every: 10 }).log_every, 10);
 * assertEquals(DiagnoseOptionsSchema.safeParse({ log_every: 0 }).success, false);
 * ```
 */
export const DiagnoseOptionsSchema = z.object(optionFields).superRefine(refineLoader);

/**
 * The JSON body of `POST /v1/diagnose` (also the MCP tool's input): the fields of /v1/spikes and
 * /v1/last-batch side by side, /v1/contrastive's nested under `contrastive`. The field schemas
 * are the other routes' own, so a field means and checks the same everywhere.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DiagnoseRequestSchema } from "./diagnose_schemas.ts";
 * const body = { loss: [0.35, 0.33, 1.31, 0.31], dataset_size: 5000, batch_size: 32 };
 * assertEquals(DiagnoseRequestSchema.safeParse(body).success, true);
 * const negative = DiagnoseRequestSchema.safeParse({ ...body, batch_size: -1 });
 * assertEquals(negative.error?.issues[0].path, ["batch_size"]);
 * ```
 */
export const DiagnoseRequestSchema = z.object({
  loss: LossSeriesSchema.optional(),
  steps: StepsSchema,
  ...sideSeriesFields,
  ...optionFields,
}).superRefine(refineLoader).openapi("DiagnoseRequest", {
  example: {
    loss: [0.35, 0.33, 0.34, 0.32, 1.31, 0.31],
    dataset_size: 5000,
    batch_size: 32,
    reduction: "per_item_then_batch_mean",
  },
});

/** Validated options (defaults filled in). */
export type DiagnoseOptions = z.infer<typeof DiagnoseOptionsSchema>;
/** A validated JSON body. */
export type DiagnoseRequest = z.infer<typeof DiagnoseRequestSchema>;

const CheckSchema = z.enum(CHECKS);

/**
 * The answer of `POST /v1/diagnose` (`DiagnoseReport` of lib/diagnose is its type): each check,
 * whether it ran and why, the merged findings, each check's own answer (null when it did not
 * run), the notes that needed two checks, and the Markdown summary.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { tool } from "./diagnose.ts";
 * import { DiagnoseRequestSchema, DiagnoseResponseSchema } from "./diagnose_schemas.ts";
 * import { stringify } from "./json.ts";
 * const input = DiagnoseRequestSchema.parse({ dataset_size: 100, batch_size: 64, reduction: "sum" });
 * const answer = JSON.parse(stringify(tool.run(input, defaultConfig)));
 * assertEquals(DiagnoseResponseSchema.safeParse(answer).success, true);
 * ```
 */
export const DiagnoseResponseSchema = z.object({
  checks: z.array(z.object({ name: CheckSchema, ran: z.boolean(), reason: z.string() }))
    .openapi({ description: "Each check, whether it ran, and why (or what it needs)." }),
  findings: z.array(
    // A flat object, not FindingSchema.extend(): the generator writes an extension of a named
    // schema as allOf [$ref, members], which no closed object (additionalProperties: false)
    // can match.
    z.object({
      ...FindingSchema.shape,
      checks: z.array(CheckSchema).openapi({ description: "The checks that raised it." }),
      merged_ids: z.array(FindingSchema.shape.id).openapi({
        description: "The findings merged into this one, its own id first.",
      }),
    }).openapi("DiagnosedFinding"),
  ).openapi({ description: "One per problem across checks, most severe first." }),
  results: z.object({
    // z.union with z.null(), not .nullable(): the generator writes a nullable $ref as
    // allOf [$ref, object|null], which no null matches.
    spikes: z.union([SpikesResponseSchema, z.null()]),
    last_batch: z.union([
      z.object({
        ...LastBatchResponse.shape,
        reduction_source: z.enum(["given", "inferred", "assumed"]),
      }),
      z.null(),
    ]),
    contrastive: z.union([ContrastiveOutput, z.null()]),
  }).openapi({ description: "Each check's own answer; null when it did not run." }),
  notes: z.array(z.string()).openapi({
    description: "What needed two checks: the measured last-batch jump against the predicted one.",
  }),
  summary: SummarySchema,
}).openapi("DiagnoseResponse");

/**
 * The query of a CSV or text body (its options, as strings), and `format` for any body.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DiagnoseQuerySchema } from "./diagnose_schemas.ts";
 * assertEquals(DiagnoseQuerySchema.safeParse({ format: "svg", batch_size: "32" }).success, true);
 * assertEquals(DiagnoseQuerySchema.safeParse({ drop_last: "yes" }).success, false);
 * ```
 */
export const DiagnoseQuerySchema = z.object({
  format: FormatQuery,
  log_every: z.string().optional(),
  steps_per_epoch: z.string().optional(),
  dataset_size: z.string().optional(),
  batch_size: z.string().optional(),
  drop_last: z.enum(["true", "false"]).optional(),
  logged_as: z.enum(["value", "epoch-running-mean"]).optional(),
  reduction: z.string().optional(),
  world_size: z.string().optional(),
  sampler_drop_last: z.enum(["true", "false"]).optional(),
  grad_accum_steps: z.string().optional(),
  grad_noise_scale: z.string().optional(),
  column: z.string().optional().openapi({ description: "CSV: the loss column to use." }),
});

/** The options a CSV or text body takes from the query. */
export const DIAGNOSE_QUERY_OPTIONS = [
  "log_every",
  "logged_as",
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
