import type { Semantics } from "../fp/mod.ts";
import type { Finding } from "../findings/mod.ts";
import { contrastiveSummary } from "./contrastive_summary.ts";
import { expectedDropoutViewCosine } from "./dropout_views.ts";
import type { EmbeddingsAnalysis, RowLoss } from "./embeddings_loss.ts";
import type { FindingContext, LearnableScale } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { infoNceLossBounds, type LossBounds } from "./loss_bounds.ts";
import { type LossKind, outsideModel } from "./loss_kind.ts";
import type { MaskFillCheck } from "./mask_fill.ts";
import type { NanOrigin } from "./nan_origin.ts";
import type { NormCheck } from "./normalization.ts";
import type { Forecast } from "./overflow_forecast.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import { scaleFactor, temperatureOf } from "./scaling.ts";
import { scaleWords } from "./scale_words.ts";
import type { StageLimits, StageSource } from "./stage_source.ts";
import type { FirstOverflow, StageReport } from "./stage_types.ts";
import type { PositiveSets } from "./supervised_mask.ts";
import type { TrajectoryAnalysis } from "./trajectory_analysis.ts";

/** The answer of a contrastive check (`POST /v1/contrastive`). */
export interface ContrastiveReport {
  /** How the model is trained, as given. */
  precision: Precision;
  /** How q and k reached their format: through fp32 (torch) or rounded once (ieee). */
  semantics: Semantics;
  /** The framework's softmax or a hand-written one. */
  softmax: SoftmaxKind;
  /** Which contrastive loss. */
  loss: LossKind;
  /** Why the loss is outside the softmax model this check is built on; null when inside. */
  outside_model: string | null;
  /** τ (1/logit_scale); null when only the logits are known. */
  temperature: number | null;
  /** The multiplier of q·k; null when only the logits are known. */
  logit_scale: number | null;
  /** The learned scale's clamp and the largest safe scale; null for a fixed scale. */
  learnable_scale: LearnableScale | null;
  /** The forms of the question that were given. */
  modes: ("configuration" | "trajectory" | "embeddings")[];
  /** Which input the worst case (stages) was taken from; null when there were no stages. */
  stages_from: "configuration" | "embeddings" | "trajectory" | null;
  /** The largest |logit| in exact arithmetic (|q·k|/τ). */
  max_logit: number | null;
  /** The largest |q·k| analysed (null when only the logits are known). */
  max_dot: number | null;
  /** The largest |q·k| every stage survives. */
  safe_dot_limit: number | null;
  /** The largest |logit| every stage after the scaling survives; null when none can overflow. */
  safe_logit_limit: number | null;
  /** Every stage's worst case (empty without stages). */
  stages: StageReport[];
  /** The first stage that overflows, with its sentence. */
  first_overflow: FirstOverflow | null;
  /** The loss at uniform logits and at the extremes the largest logit allows. */
  loss_bounds: LossBounds | null;
  /** The dropout of the views and their expected cosine, 1 − p. */
  dropout: { p: number; expected_view_cosine: number } | null;
  /** The trajectory's reading (its forecast is `forecast`). */
  trajectory: Omit<TrajectoryAnalysis, "forecast"> | null;
  /** When the logits are expected to overflow, or did. */
  forecast: Forecast | null;
  /** Where a non-finite loss of the trajectory came from; null when every loss is finite. */
  nan_origin: NanOrigin | null;
  /** What the embeddings show (their rows are `per_row`). */
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  /** Each row's loss, when the embeddings were given. */
  per_row: RowLoss[] | null;
  /** F.normalize on the smallest row; null when not asked (min_norm, or normalised embeddings). */
  normalization: NormCheck | null;
  /** The positives of a supervised batch; null without labels. */
  supervised: PositiveSets | null;
  /** The mask sentinel in the logits' format; null without mask_fill. */
  mask_fill: MaskFillCheck | null;
  /** What is wrong, most severe first. */
  findings: Finding[];
  /** Markdown a chat bot can paste as is. */
  summary: string;
}

/** What the report needs beyond the findings' context. */
export interface ReportParts {
  /** How q and k reached their format. */
  semantics: Semantics;
  /** The stages and where their worst case came from. */
  source: StageSource;
  /** The limits of every stage. */
  limits: StageLimits;
  /** The forecast (or the observed crossing). */
  forecast: Forecast | null;
  /** The findings, most severe first. */
  findings: Finding[];
}

function withoutRows(e: EmbeddingsAnalysis | null) {
  if (!e) return null;
  const { per_row: _, ...rest } = e;
  return rest;
}

function withoutForecast(t: TrajectoryAnalysis | null) {
  if (!t) return null;
  const { forecast: _, ...rest } = t;
  return rest;
}

function modesOf(c: FindingContext, source: StageSource): ContrastiveReport["modes"] {
  const modes: ContrastiveReport["modes"] = [];
  if (source.from === "configuration" || c.normalized !== null && !c.embeddings) {
    modes.push("configuration");
  }
  if (c.trajectory) modes.push("trajectory");
  if (c.embeddings) modes.push("embeddings");
  return modes;
}

function headerOf(c: FindingContext): string {
  return [
    c.precision,
    scaleWords(c.scaling).name,
    c.learnable
      ? `learned${c.learnable.clamp === null ? ", no clamp" : `, clamp ${f(c.learnable.clamp)}`}`
      : null,
    c.loss === "infonce" ? null : c.loss,
    `${c.softmax} softmax`,
    c.batchSize === null ? null : `B = ${c.batchSize}`,
    c.normalized === null ? null : c.normalized ? "L2-normalised" : "not normalised",
  ].filter(Boolean).join(", ");
}

/**
 * Assembles the answer of a contrastive check from the analyses (the findings' context `c` and the
 * parts `p`): the stages and the first
 * overflow, the limits, the trajectory and forecast, the embeddings, the normalisation, label mask
 * and mask-fill checks, the verdict on a non-finite loss, the findings and the Markdown summary.
 * O(stages + findings + B).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkContrastiveStability } from "./check_contrastive_stability.ts";
 * import { contrastiveFindings, type FindingContext } from "./contrastive_findings.ts";
 * import { reportOf } from "./contrastive_report.ts";
 * import { resolveRequest } from "./contrastive_request.ts";
 * import { stageLimits, stageSource } from "./stage_source.ts";
 * // The pipeline of checkContrastiveStability for a configuration, by hand:
 * const request = {
 *   temperature: 0.05, q_norm: 95.8, k_norm: 93.5, batch_size: 128, precision: "fp16-autocast",
 * } as const;
 * const req = resolveRequest(request);
 * const source = stageSource(req, request, 128, null, null);
 * const context: FindingContext = {
 *   scaling: req.scaling, precision: request.precision, softmax: req.softmax, loss: req.loss,
 *   normalized: null, batchSize: 128, dim: null, stages: source.stages, trajectory: null,
 *   embeddings: null, dropoutP: null, learnable: null, normalization: null, positives: null,
 *   maskFill: null, nan: null, optimizer: null,
 * };
 * const report = reportOf(context, {
 *   semantics: "torch", source, limits: stageLimits(req, request, 128), forecast: null,
 *   findings: contrastiveFindings(context),
 * });
 * assertEquals(report, checkContrastiveStability(request));
 * ```
 */
export function reportOf(c: FindingContext, p: ReportParts): ContrastiveReport {
  const s = p.source.stages;
  const known = c.scaling.kind !== "none";
  const inside = outsideModel(c.loss) === null;
  const e = c.embeddings as EmbeddingsAnalysis | null;
  return {
    precision: c.precision,
    semantics: p.semantics,
    softmax: c.softmax,
    loss: c.loss,
    outside_model: outsideModel(c.loss),
    temperature: known ? temperatureOf(c.scaling) : null,
    logit_scale: known ? scaleFactor(c.scaling) : null,
    learnable_scale: c.learnable,
    modes: modesOf(c, p.source),
    stages_from: s ? p.source.from : null,
    max_logit: s?.max_logit ?? null,
    max_dot: s && known ? p.source.maxDot : null,
    safe_dot_limit: s?.safe_dot_limit ?? null,
    safe_logit_limit: p.limits.safeLogitLimit,
    stages: s?.stages ?? [],
    first_overflow: s?.first_overflow ?? null,
    loss_bounds: inside && s && c.batchSize !== null && Number.isFinite(s.max_logit)
      ? infoNceLossBounds(s.max_logit, c.batchSize)
      : null,
    dropout: c.dropoutP === null
      ? null
      : { p: c.dropoutP, expected_view_cosine: expectedDropoutViewCosine(c.dropoutP) },
    trajectory: withoutForecast(c.trajectory),
    forecast: p.forecast,
    nan_origin: c.nan,
    embeddings: withoutRows(e),
    per_row: e?.per_row ?? null,
    normalization: c.normalization,
    supervised: c.positives,
    mask_fill: c.maskFill,
    findings: p.findings,
    summary: contrastiveSummary({
      header: headerOf(c),
      outside: outsideModel(c.loss),
      stages: s,
      forecast: p.forecast,
      embeddings: withoutRows(e),
      nan: c.nan,
      findings: p.findings,
    }),
  };
}
