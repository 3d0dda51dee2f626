import { z } from "./zod.ts";
import { LOSS_KINDS, PRECISIONS } from "../lib/contrastive/mod.ts";
import { FindingSchema, RangeSchema, SummarySchema } from "./common.ts";
import { NumberOrNonFinite } from "./json.ts";
import { FormatSchema, SemanticsSchema } from "./logsumexp.ts";

/** A number, a non-finite number as a string, or null (a $ref does not take `nullable`). */
const NullableNumber = z.union([NumberOrNonFinite, z.null()]);

const StageSchema = z.object({
  name: z.enum(["matmul", "temperature", "exp", "sum", "log"]),
  operation: z.string(),
  format: FormatSchema,
  value: NumberOrNonFinite.openapi({ description: "The stage's output for the largest logit." }),
  limit: z.number().openapi({ description: "The largest finite value of the stage's format." }),
  overflows: z.boolean(),
  safe_dot_limit: NullableNumber.openapi({
    description: "The largest |q·k| this stage survives; null if it cannot overflow or the " +
      "scale is unknown.",
  }),
  safe_logit_limit: NullableNumber.openapi({
    description: "The same limit on the logits (|q·k| times the scale); null if it cannot " +
      "overflow.",
  }),
}).openapi("ContrastiveStage");

const FirstOverflowSchema = z.object({
  stage: StageSchema.shape.name,
  operation: z.string(),
  format: FormatSchema,
  value: NumberOrNonFinite,
  limit: z.number(),
  safe_dot_limit: NullableNumber,
  safe_logit_limit: NullableNumber,
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
  quantity: z.enum(["max_logit", "norm_product", "logit_scale"]),
  limit: NumberOrNonFinite,
  last_step: z.number(),
  last_value: NumberOrNonFinite,
  overflow_step: z.number(),
  steps_ahead: z.number(),
  range: RangeSchema,
  growth_per_step: NumberOrNonFinite,
  model: z.enum(["log-linear", "log-linear-recent", "log-quadratic", "observed"]),
  accelerating: z.boolean(),
  confidence: z.enum(["low", "medium", "high"]),
  models: z.array(GrowthModelSchema),
  evidence: z.object({
    points: z.number().int(),
    ratio: NumberOrNonFinite,
    correlation: z.number(),
    p_value: z.number(),
  }).nullable().openapi({
    description: "The significant growth extrapolated (rank trend p ≤ 0.01 on ≥ 5 points); null " +
      "for an observed crossing.",
  }),
  note: z.string(),
}).nullable().openapi("Forecast");

const LoggedAtSchema = z.object({
  q_norm: z.number().optional(),
  k_norm: z.number().optional(),
  max_logit: z.number().optional(),
  logit_scale: z.number().optional(),
});

const TrajectorySchema = z.object({
  points: z.number().int(),
  first_step: z.number(),
  last_step: z.number(),
  first_nonfinite_loss_step: z.number().nullable(),
  growth: z.array(z.object({
    name: z.enum([
      "q_norm",
      "k_norm",
      "norm_product",
      "max_logit",
      "mean_score",
      "loss",
      "logit_scale",
    ]),
    points: z.number().int(),
    first: z.number(),
    last: z.number(),
    ratio: NumberOrNonFinite,
    correlation: z.number(),
    p_value: z.number().openapi({ description: "One-sided p-value of the rank rise." }),
    growing: z.boolean(),
    significant: z.boolean().openapi({
      description: "Growing on ≥ 5 points at p ≤ 0.01: enough to extrapolate.",
    }),
  })),
  latest: LoggedAtSchema,
  at_nonfinite: LoggedAtSchema.nullable().openapi({
    description: "What was logged at the first non-finite loss step.",
  }),
}).nullable().openapi("TrajectoryGrowth");

const RowLossSchema = z.object({
  stable: NumberOrNonFinite,
  naive: NumberOrNonFinite,
  reference: NumberOrNonFinite,
}).openapi("RowLoss");

const NormCheckSchema = z.object({
  format: FormatSchema,
  eps: z.number().openapi({ description: "F.normalize's eps (1e-12) in that format." }),
  min_norm: NumberOrNonFinite,
  norm: NumberOrNonFinite,
  outcome: z.enum(["nan", "divided-by-eps", "ok"]),
  row: z.string().nullable(),
}).nullable().openapi("NormalizationCheck");

const NonFiniteSchema = z.object({
  row: z.number().int(),
  column: z.number().int().nullable(),
  stage: z.enum(["matmul", "temperature", "exp", "sum", "log", "normalize"]),
  op: z.string(),
  operands: z.array(NumberOrNonFinite),
  value: NumberOrNonFinite,
}).nullable();

const EmbeddingsSchema = z.object({
  batch_size: z.number().int(),
  dim: z.number().int(),
  // Norms of rows near the fp64 limit (|x| > 1e154) overflow to Infinity.
  q_norm: z.object({ mean: NumberOrNonFinite, max: NumberOrNonFinite, min: NumberOrNonFinite }),
  k_norm: z.object({ mean: NumberOrNonFinite, max: NumberOrNonFinite, min: NumberOrNonFinite }),
  normalized: z.boolean(),
  max_abs_dot: NumberOrNonFinite,
  max_logit: NumberOrNonFinite,
  mean_positive_cosine: NumberOrNonFinite,
  mean_negative_cosine: NumberOrNonFinite,
  loss: RowLossSchema,
  first_nonfinite: z.object({ stable: NonFiniteSchema, naive: NonFiniteSchema }),
  normalization: NormCheckSchema,
}).nullable().openapi("EmbeddingsAnalysis");

/**
 * The answer of `POST /v1/contrastive` (routes/contrastive.ts; `ContrastiveReport` of
 * lib/contrastive is its type): stages, first overflow, forecast, trajectory growth, embeddings
 * analysis and per-row losses, findings and the Markdown summary. Fields that can be NaN or
 * ±Infinity are `NumberOrNonFinite` (written as strings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { contrastive } from "./contrastive.ts";
 * import { ContrastiveOutput } from "./contrastive_schemas.ts";
 * import { stringify } from "./json.ts";
 * const input = contrastive.input.parse({ temperature: 0.05, normalized: true, precision: "fp16" });
 * const answer = JSON.parse(stringify(contrastive.run(input, defaultConfig)));
 * assertEquals(ContrastiveOutput.safeParse(answer).success, true);
 * ```
 */
export const ContrastiveOutput = z.object({
  precision: z.enum(PRECISIONS),
  semantics: SemanticsSchema,
  softmax: z.enum(["framework", "naive"]),
  loss: z.enum(LOSS_KINDS),
  outside_model: z.string().nullable().openapi({
    description: "Why the loss (sigmoid, dcl) is outside the softmax model; null when inside.",
  }),
  temperature: z.number().nullable().openapi({ description: "null when only logits are given." }),
  logit_scale: z.number().nullable(),
  learnable_scale: z.object({
    clamp: z.number().nullable(),
    safe_scale: NullableNumber.openapi({
      description: "The largest multiplier of q·k every stage survives at the analysed |q·k|.",
    }),
  }).nullable(),
  modes: z.array(z.enum(["configuration", "trajectory", "embeddings"])),
  stages_from: z.enum(["configuration", "embeddings", "trajectory"]).nullable(),
  max_logit: NullableNumber,
  max_dot: z.number().nullable(),
  safe_dot_limit: NullableNumber,
  safe_logit_limit: NullableNumber.openapi({
    description: "The largest |logit| every stage after the scaling survives.",
  }),
  stages: z.array(StageSchema),
  first_overflow: FirstOverflowSchema,
  loss_bounds: z.object({
    uniform: z.number(),
    best: z.number(),
    // 2·L + ln(B − 1) passes fp64's range for logits near 1e308.
    worst: NumberOrNonFinite,
  }).nullable(),
  dropout: z.object({ p: z.number(), expected_view_cosine: z.number() }).nullable(),
  trajectory: TrajectorySchema,
  forecast: ForecastSchema,
  nan_origin: z.object({
    step: z.number(),
    verdict: z.enum(["overflow", "forward", "no-overflow", "unknown"]),
  }).nullable().openapi({
    description: "Whether the first non-finite loss is an overflow of the forward pass, another " +
      "forward op (0/0), none of the forward pass (no-overflow), or not known.",
  }),
  embeddings: EmbeddingsSchema,
  per_row: z.array(RowLossSchema).nullable(),
  normalization: NormCheckSchema,
  supervised: z.object({
    samples: z.number().int(),
    views: z.number().int(),
    rows_without_positive: z.array(z.number().int()),
    min_positives: z.number().int(),
  }).nullable(),
  mask_fill: z.object({
    value: NumberOrNonFinite,
    format: FormatSchema,
    written: NumberOrNonFinite,
    outcome: z.enum(["overflows", "infinite", "ok"]),
    format_max: z.number(),
  }).nullable(),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
}).openapi("ContrastiveResponse");
