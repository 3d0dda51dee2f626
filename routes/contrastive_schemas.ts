/**
 * The response schema of `POST /v1/contrastive` (routes/contrastive.ts): stages, first overflow,
 * forecast, trajectory growth, embeddings analysis and per-row losses. Fields that can be NaN or
 * ±Infinity are `NumberOrNonFinite` (written as strings).
 */
import { z } from "@hono/zod-openapi";
import { PRECISIONS } from "../lib/contrastive/mod.ts";
import { FindingSchema, SummarySchema } from "./common.ts";
import { NumberOrNonFinite } from "./json.ts";
import { FormatSchema, SemanticsSchema } from "./logsumexp.ts";

const StageSchema = z.object({
  name: z.enum(["matmul", "temperature", "exp", "sum", "log"]),
  operation: z.string(),
  format: FormatSchema,
  value: NumberOrNonFinite.openapi({ description: "The stage's output for the largest logit." }),
  limit: z.number().openapi({ description: "The largest finite value of the stage's format." }),
  overflows: z.boolean(),
  safe_dot_limit: z.number().nullable().openapi({
    description: "The largest |q·k| this stage survives; null if it cannot overflow.",
  }),
}).openapi("ContrastiveStage");

const FirstOverflowSchema = z.object({
  stage: StageSchema.shape.name,
  operation: z.string(),
  format: FormatSchema,
  value: NumberOrNonFinite,
  limit: z.number(),
  safe_dot_limit: z.number().nullable(),
  max_dot: z.number(),
  statement: z.string(),
}).nullable().openapi("FirstOverflow");

const GrowthModelSchema = z.object({
  model: z.enum(["log-linear", "log-linear-recent", "log-quadratic"]),
  rate: z.number().openapi({ description: "d ln(value)/d step at the last point." }),
  r2: z.number(),
  crossing: z.number().nullable(),
});

const ForecastSchema = z.object({
  quantity: z.enum(["max_logit", "norm_product"]),
  limit: NumberOrNonFinite,
  last_step: z.number(),
  last_value: NumberOrNonFinite,
  overflow_step: z.number(),
  steps_ahead: z.number(),
  range: z.tuple([z.number(), z.number()]),
  growth_per_step: NumberOrNonFinite,
  model: z.enum(["log-linear", "log-linear-recent", "log-quadratic", "observed"]),
  accelerating: z.boolean(),
  confidence: z.enum(["low", "medium", "high"]),
  models: z.array(GrowthModelSchema),
  note: z.string(),
}).nullable().openapi("Forecast");

const TrajectorySchema = z.object({
  points: z.number().int(),
  first_step: z.number(),
  last_step: z.number(),
  first_nonfinite_loss_step: z.number().nullable(),
  growth: z.array(z.object({
    name: z.enum(["q_norm", "k_norm", "norm_product", "max_logit", "mean_score", "loss"]),
    points: z.number().int(),
    first: z.number(),
    last: z.number(),
    ratio: NumberOrNonFinite,
    correlation: z.number(),
    growing: z.boolean(),
  })),
  latest: z.object({
    q_norm: z.number().optional(),
    k_norm: z.number().optional(),
    max_logit: z.number().optional(),
  }),
}).nullable().openapi("TrajectoryGrowth");

const RowLossSchema = z.object({
  stable: NumberOrNonFinite,
  naive: NumberOrNonFinite,
  reference: NumberOrNonFinite,
}).openapi("RowLoss");

const NonFiniteSchema = z.object({
  row: z.number().int(),
  column: z.number().int().nullable(),
  stage: StageSchema.shape.name,
  op: z.string(),
  operands: z.array(NumberOrNonFinite),
  value: NumberOrNonFinite,
}).nullable();

const EmbeddingsSchema = z.object({
  batch_size: z.number().int(),
  dim: z.number().int(),
  // Norms of rows near the fp64 limit (|x| > 1e154) overflow to Infinity.
  q_norm: z.object({ mean: NumberOrNonFinite, max: NumberOrNonFinite }),
  k_norm: z.object({ mean: NumberOrNonFinite, max: NumberOrNonFinite }),
  normalized: z.boolean(),
  max_abs_dot: NumberOrNonFinite,
  max_logit: NumberOrNonFinite,
  mean_positive_cosine: NumberOrNonFinite,
  mean_negative_cosine: NumberOrNonFinite,
  loss: RowLossSchema,
  first_nonfinite: z.object({ stable: NonFiniteSchema, naive: NonFiniteSchema }),
}).nullable().openapi("EmbeddingsAnalysis");

/** The answer of `POST /v1/contrastive`. */
export const ContrastiveOutput = z.object({
  precision: z.enum(PRECISIONS),
  semantics: SemanticsSchema,
  softmax: z.enum(["framework", "naive"]),
  temperature: z.number(),
  logit_scale: z.number(),
  modes: z.array(z.enum(["configuration", "trajectory", "embeddings"])),
  stages_from: z.enum(["configuration", "embeddings", "trajectory"]).nullable(),
  max_logit: z.number().nullable(),
  max_dot: z.number().nullable(),
  safe_dot_limit: z.number().nullable(),
  stages: z.array(StageSchema),
  first_overflow: FirstOverflowSchema,
  loss_bounds: z.object({ uniform: z.number(), best: z.number(), worst: z.number() }).nullable(),
  dropout: z.object({ p: z.number(), expected_view_cosine: z.number() }).nullable(),
  trajectory: TrajectorySchema,
  forecast: ForecastSchema,
  embeddings: EmbeddingsSchema,
  per_row: z.array(RowLossSchema).nullable(),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
}).openapi("ContrastiveResponse");
