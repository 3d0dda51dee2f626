import { bySeverity } from "../findings/mod.ts";
import { contrastiveFindings } from "./contrastive_findings.ts";
import { type ContrastiveReport, reportOf } from "./contrastive_report.ts";
import {
  type ContrastiveRequest,
  type ResolvedRequest,
  resolveRequest,
} from "./contrastive_request.ts";
import { embeddingsLoss } from "./embeddings_loss.ts";
import type { FindingContext, LearnableScale } from "./finding_context.ts";
import { checkMaskFill } from "./mask_fill.ts";
import { type NanOrigin, nanOrigin, observedForecast } from "./nan_origin.ts";
import { checkNormalization } from "./normalization.ts";
import type { Forecast } from "./overflow_forecast.ts";
import { scaleFactor } from "./scaling.ts";
import { stageLimits, stageSource } from "./stage_source.ts";
import { positiveSets } from "./supervised_mask.ts";
import { analyzeTrajectory, type ForecastLimits } from "./trajectory_analysis.ts";

export type { ContrastiveRequest } from "./contrastive_request.ts";
export type { ContrastiveReport } from "./contrastive_report.ts";

function checkEmbeddingsInput(r: ContrastiveRequest, req: ResolvedRequest): void {
  if (!req.hasEmbeddings) return;
  if (req.loss !== "infonce") {
    throw new RangeError(
      `q and k are analysed as InfoNCE rows (row i of k is the positive of row i of q); for ` +
        `loss ${req.loss} give the norms (normalized, q_norm and k_norm, min_norm) instead`,
    );
  }
  if (r.dim !== undefined && r.q!.length > 0 && r.q![0].length !== r.dim) {
    throw new RangeError(`dim is ${r.dim} but the rows of q have ${r.q![0].length} numbers`);
  }
}

/** The learned scale's clamp and the largest safe scale at the analysed |q·k|. */
function learnableOf(
  req: ResolvedRequest,
  safeLogitLimit: number | null,
  maxDot: number | null,
): LearnableScale | null {
  if (!req.learnable) return null;
  const safe = safeLogitLimit !== null && maxDot !== null && maxDot > 0
    ? safeLogitLimit / maxDot
    : null;
  return { clamp: req.clamp, safe_scale: safe };
}

/** The bounds the trajectory's forecast respects. */
function forecastLimits(
  req: ResolvedRequest,
  r: ContrastiveRequest,
  limits: ReturnType<typeof stageLimits>,
  maxDot: number | null,
): ForecastLimits {
  const clampScale = req.clamp === null
    ? null
    : req.scaling.kind === "temperature"
    ? 1 / req.clamp
    : req.clamp;
  const scaleBound = req.learnable ? clampScale : scaleFactor(req.scaling);
  return {
    ...limits,
    maxDot: req.configuredDot ?? maxDot,
    logitBound: r.normalized === true && scaleBound !== null && req.scaling.kind !== "none"
      ? scaleBound
      : null,
    scaleClamp: clampScale,
    normalized: r.normalized === true,
  };
}

/**
 * Will this contrastive loss overflow or go NaN, where, and when? Combines the ways to ask: a
 * configuration (temperature or logit scale, learned or not, norms, batch size, precision), a
 * trajectory of logged norms, logits, scales and losses, the embeddings themselves, and the parts
 * of the loss that make NaN without any overflow (F.normalize's eps, a supervised label mask, a
 * mask sentinel).
 *
 * A pipeline: resolve the request ({@linkcode resolveRequest}); run the embeddings
 * ({@linkcode embeddingsLoss}), the normalisation, the label mask and the mask fill; take the worst
 * case and follow it through matmul, scaling, exp, sum and log ({@linkcode stageSource}); read the
 * trajectory and forecast only significant growth ({@linkcode analyzeTrajectory}); say whether a
 * non-finite loss is an overflow ({@linkcode nanOrigin}); draw the findings and the summary. For a
 * loss outside the softmax model (SigLIP, DCL) the answer says so and checks only q @ k.T and the
 * scaling. Under `semantics: "torch"` (the default) q and k are fp32 tensors before any cast, as
 * `torch.tensor(q)` makes them (float64 → fp32 → format); "ieee" rounds them once.
 * Cost: O(B) for a configuration, O(n log n) for a trajectory, O(B²·dim) for embeddings (the
 * caller bounds them).
 *
 * @throws {RangeError} when nothing can be checked, both temperature and logit_scale are given,
 * norms or embeddings come without a scale, q_norm comes without k_norm, or the embeddings are
 * inconsistent or given for a loss other than InfoNCE.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { checkContrastiveStability } from "./check_contrastive_stability.ts";
 * // The SimCSE report: un-normalised norms 95.8 and 93.5, τ = 0.05, B = 128, fp16 autocast.
 * const report = checkContrastiveStability({
 *   temperature: 0.05, q_norm: 95.8, k_norm: 93.5, batch_size: 128, precision: "fp16-autocast",
 * });
 * assertEquals(report.first_overflow?.stage, "temperature");
 * assertEquals(report.max_logit, 179146);
 * assertEquals(report.findings.map((f) => [f.id, f.severity]), [
 *   ["logit-overflow", "critical"], ["temperature-too-low", "warning"],
 * ]);
 * // L2-normalised: the logits are at most 1/τ = 20
 * const fixed = checkContrastiveStability({
 *   temperature: 0.05, normalized: true, batch_size: 128, precision: "fp16-autocast",
 * });
 * assertEquals([fixed.first_overflow, fixed.findings], [null, []]);
 * ```
 */
export function checkContrastiveStability(request: ContrastiveRequest): ContrastiveReport {
  const semantics = request.semantics ?? "torch";
  const r = semantics === "torch" ? asTorchTensors(request) : request;
  const req = resolveRequest(r);
  checkEmbeddingsInput(r, req);
  const evidence = gatherEvidence(r, req);
  const { trajectory, source, limits } = evidence;
  const nan = nanOf(evidence);
  const forecast = trajectory && nan ? observedForecast(trajectory, nan) : trajectory?.forecast ??
    null;
  const context = findingContext(r, req, evidence, nan, forecast);
  const findings = bySeverity(contrastiveFindings(context));
  return reportOf(context, { semantics, source, limits, forecast, findings });
}

/** q and k as the fp32 tensors `torch.tensor(q)` makes of them (float64 → fp32). */
function asTorchTensors(request: ContrastiveRequest): ContrastiveRequest {
  const fp32 = (m?: number[][]) => m?.map((row) => row.map(Math.fround));
  return { ...request, q: fp32(request.q), k: fp32(request.k) };
}

/** What each way of asking tells, before any finding: the analyses the request allows. */
interface Evidence {
  embeddings: ReturnType<typeof embeddingsLoss> | null;
  positives: ReturnType<typeof positiveSets> | null;
  batchSize: number | null;
  limits: ReturnType<typeof stageLimits>;
  /** The largest |q·k| configured or measured in the embeddings, else null. */
  maxDotKnown: number | null;
  trajectory: ReturnType<typeof analyzeTrajectory> | null;
  source: ReturnType<typeof stageSource>;
  normalization: ReturnType<typeof checkNormalization> | null;
  maskFill: ReturnType<typeof checkMaskFill> | null;
}

/**
 * The embeddings, the label mask, the stage limits, the trajectory, the worst case followed
 * through the stages, the normalisation and the mask fill, in that order.
 */
function gatherEvidence(r: ContrastiveRequest, req: ResolvedRequest): Evidence {
  const embeddings = req.hasEmbeddings
    ? embeddingsLoss(r.q!, r.k!, req.scaling, r.precision, { normalize: r.normalized === true })
    : null;
  const positives = r.labels ? positiveSets(r.labels, req.views) : null;
  const batchSize = r.batch_size ?? embeddings?.batch_size ??
    (positives ? positives.samples * positives.views : null);
  const limits = stageLimits(req, r, batchSize);
  const maxDotKnown = req.configuredDot ?? embeddings?.max_abs_dot ?? null;
  const trajectory = r.trajectory
    ? analyzeTrajectory(r.trajectory, forecastLimits(req, r, limits, maxDotKnown))
    : null;
  const source = stageSource(
    req,
    r,
    batchSize,
    embeddings,
    trajectory ? { at: trajectory.at_nonfinite, latest: trajectory.latest } : null,
  );
  const normalization = embeddings?.normalization ??
    (r.min_norm !== undefined && r.normalized === true
      ? checkNormalization(r.min_norm, r.precision)
      : null);
  const maskFill = r.mask_fill === undefined ? null : checkMaskFill(r.mask_fill, r.precision);
  return {
    embeddings,
    positives,
    batchSize,
    limits,
    maxDotKnown,
    trajectory,
    source,
    normalization,
    maskFill,
  };
}

/** Where the trajectory's first non-finite loss came from: an overflow or a NaN of the forward. */
function nanOf(e: Evidence): NanOrigin | null {
  const { trajectory, source, normalization, positives, maskFill } = e;
  return trajectory?.first_nonfinite_loss_step == null
    ? null
    : nanOrigin(trajectory.first_nonfinite_loss_step, {
      overflows: source.stages?.first_overflow != null,
      forwardNan: normalization?.outcome === "nan" ||
        (positives?.rows_without_positive.length ?? 0) > 0 || maskFill?.outcome === "overflows",
      describesStep: source.stages !== null && source.describesNanStep,
    });
}

/** Everything the finding rules read. */
function findingContext(
  r: ContrastiveRequest,
  req: ResolvedRequest,
  e: Evidence,
  nan: NanOrigin | null,
  forecast: Forecast | null,
): FindingContext {
  const { embeddings, trajectory, source } = e;
  return {
    scaling: req.scaling,
    precision: r.precision,
    softmax: req.softmax,
    loss: req.loss,
    normalized: r.normalized ?? embeddings?.normalized ?? null,
    batchSize: e.batchSize,
    dim: r.dim ?? embeddings?.dim ?? null,
    stages: source.stages,
    trajectory: trajectory ? { ...trajectory, forecast } : null,
    embeddings,
    dropoutP: r.dropout_p ?? null,
    learnable: learnableOf(req, e.limits.safeLogitLimit, source.maxDot ?? e.maxDotKnown),
    normalization: e.normalization,
    positives: e.positives,
    maskFill: e.maskFill,
    nan,
    optimizer: r.optimizer ?? null,
  };
}
