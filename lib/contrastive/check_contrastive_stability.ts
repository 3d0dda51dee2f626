/**
 * Will this contrastive (InfoNCE) loss overflow, where, and when? Combines the three ways to ask:
 * a configuration (temperature, norms, batch size, precision), a trajectory of logged norms,
 * logits and losses, and the embeddings themselves.
 *
 * The worst case comes from the configuration when norms (or `normalized: true`) are given, else
 * from the embeddings' largest |q·k|, else from the trajectory's last point (its largest logit, or
 * its norm product); {@linkcode analyzeStages} follows it through matmul, / τ, exp, sum and log in
 * the precision's formats. The trajectory's growth is fitted and extrapolated to the limit those
 * stages allow ({@linkcode analyzeTrajectory}); the embeddings are run row by row
 * ({@linkcode embeddingsLoss}). Findings and a Markdown summary close it. Cost: O(B) for a
 * configuration, O(n) for a trajectory, O(B²·dim) for embeddings (the caller bounds them).
 *
 * @throws {RangeError} when no way to ask is given, or both/neither of temperature and logit_scale,
 * or q_norm without k_norm, or inconsistent embeddings.
 * @example
 * ```ts
 * checkContrastiveStability({ temperature: 0.05, q_norm: 95.8, k_norm: 93.5, batch_size: 128,
 *   precision: "fp16-autocast" }).first_overflow?.stage; // "temperature"
 * ```
 */
import type { Semantics } from "../fp/mod.ts";
import { bySeverity, type Finding } from "../findings/mod.ts";
import { contrastiveFindings } from "./contrastive_findings.ts";
import { contrastiveSummary } from "./contrastive_summary.ts";
import { expectedDropoutViewCosine } from "./dropout_views.ts";
import { type EmbeddingsAnalysis, embeddingsLoss, type RowLoss } from "./embeddings_loss.ts";
import { formatNumber as f } from "./format_number.ts";
import { infoNceLossBounds, type LossBounds } from "./loss_bounds.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import { checkScaling, scaleFactor, type Scaling, temperatureOf } from "./scaling.ts";
import {
  analyzeStages,
  type FirstOverflow,
  type StageAnalysis,
  type StageReport,
} from "./stage_analysis.ts";
import type { Forecast } from "./overflow_forecast.ts";
import {
  analyzeTrajectory,
  type TrajectoryAnalysis,
  type TrajectoryPoint,
} from "./trajectory_analysis.ts";

/** The question, in any combination of its three forms. */
export interface ContrastiveRequest {
  temperature?: number;
  logit_scale?: number;
  normalized?: boolean;
  q_norm?: number;
  k_norm?: number;
  max_norm?: number;
  batch_size?: number;
  dim?: number;
  precision: Precision;
  softmax?: SoftmaxKind;
  dropout_p?: number;
  trajectory?: TrajectoryPoint[];
  q?: number[][];
  k?: number[][];
  /** "torch" (default): q and k go to their format through fp32, as torch tensors do; "ieee". */
  semantics?: Semantics;
}

/** The answer. */
export interface ContrastiveReport {
  precision: Precision;
  semantics: Semantics;
  softmax: SoftmaxKind;
  temperature: number;
  logit_scale: number;
  modes: ("configuration" | "trajectory" | "embeddings")[];
  /** Which input the worst case (stages) was taken from; null when there were no stages. */
  stages_from: "configuration" | "embeddings" | "trajectory" | null;
  /** The largest |logit| in exact arithmetic (|q·k|/τ). */
  max_logit: number | null;
  /** The largest |q·k| analysed. */
  max_dot: number | null;
  /** The largest |q·k| every stage survives. */
  safe_dot_limit: number | null;
  stages: StageReport[];
  first_overflow: FirstOverflow | null;
  loss_bounds: LossBounds | null;
  dropout: { p: number; expected_view_cosine: number } | null;
  trajectory: Omit<TrajectoryAnalysis, "forecast"> | null;
  forecast: Forecast | null;
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  per_row: RowLoss[] | null;
  findings: Finding[];
  summary: string;
}

function scalingOf(r: ContrastiveRequest): Scaling {
  if ((r.temperature === undefined) === (r.logit_scale === undefined)) {
    throw new RangeError("give exactly one of temperature and logit_scale");
  }
  return checkScaling(
    r.temperature !== undefined
      ? { kind: "temperature", value: r.temperature }
      : { kind: "logit_scale", value: r.logit_scale! },
  );
}

/** The configured largest |q·k|, or null when the request has no configuration. */
function configuredDot(r: ContrastiveRequest): number | null {
  if (r.normalized === true) return 1;
  if (r.max_norm !== undefined) return r.max_norm * r.max_norm;
  if (r.q_norm !== undefined || r.k_norm !== undefined) {
    if (r.q_norm === undefined || r.k_norm === undefined) {
      throw new RangeError("give both q_norm and k_norm, or max_norm");
    }
    return r.q_norm * r.k_norm;
  }
  return null;
}

function withoutRows({ per_row: _, ...rest }: EmbeddingsAnalysis) {
  return rest;
}

function withoutForecast({ forecast: _, ...rest }: TrajectoryAnalysis) {
  return rest;
}

export function checkContrastiveStability(r: ContrastiveRequest): ContrastiveReport {
  const semantics = r.semantics ?? "torch";
  const fp32 = (m?: number[][]) => m?.map((row) => row.map(Math.fround)); // torch.tensor(q)
  if (semantics === "torch") r = { ...r, q: fp32(r.q), k: fp32(r.k) };
  const scaling = scalingOf(r);
  const softmax = r.softmax ?? "framework";
  const tau = temperatureOf(scaling);
  const configured = configuredDot(r);
  const hasEmbeddings = r.q !== undefined || r.k !== undefined;
  if (r.dim !== undefined && r.q !== undefined && r.q.length > 0 && r.q[0].length !== r.dim) {
    throw new RangeError(`dim is ${r.dim} but the rows of q have ${r.q[0].length} numbers`);
  }
  if (hasEmbeddings && (r.q === undefined || r.k === undefined)) {
    throw new RangeError("embeddings need both q and k");
  }
  if (configured === null && !hasEmbeddings && !r.trajectory) {
    throw new RangeError(
      "nothing to check: give q_norm and k_norm (or max_norm, or normalized: true), a trajectory, " +
        "or the embeddings q and k",
    );
  }
  const modes: ContrastiveReport["modes"] = [];
  if (configured !== null) modes.push("configuration");
  if (r.trajectory) modes.push("trajectory");
  if (hasEmbeddings) modes.push("embeddings");

  const embeddingsFull = hasEmbeddings ? embeddingsLoss(r.q!, r.k!, scaling, r.precision) : null;
  const batchSize = r.batch_size ?? embeddingsFull?.batch_size ?? null;
  const plain = (maxDot: number) =>
    analyzeStages({ maxDot, scaling, batchSize: batchSize ?? 2, precision: r.precision, softmax });

  // The limit the trajectory is extrapolated to: every stage's, the sum's only with a known B.
  const limitsOnly = plain(0);
  const safeDot = Math.min(
    ...limitsOnly.stages
      .filter((s) => batchSize !== null || s.name !== "sum")
      .map((s) => s.safe_dot_limit ?? Infinity),
  );
  const trajectoryFull = r.trajectory
    ? analyzeTrajectory(r.trajectory, { safeDotLimit: safeDot, scale: scaleFactor(scaling) })
    : null;

  let stagesFrom: ContrastiveReport["stages_from"] = null;
  let maxDot: number | null = null;
  if (configured !== null) [stagesFrom, maxDot] = ["configuration", configured];
  else if (embeddingsFull) [stagesFrom, maxDot] = ["embeddings", embeddingsFull.max_abs_dot];
  else if (trajectoryFull) {
    const last = trajectoryFull.latest;
    const dot = last.max_logit !== undefined
      ? last.max_logit * tau
      : last.q_norm !== undefined && last.k_norm !== undefined
      ? last.q_norm * last.k_norm
      : null;
    if (dot !== null) [stagesFrom, maxDot] = ["trajectory", dot];
  }
  const stages: StageAnalysis | null = maxDot !== null && batchSize !== null ? plain(maxDot) : null;
  if (stages === null) stagesFrom = null;

  const normalized = r.normalized ?? embeddingsFull?.normalized ?? null;
  const dropout = r.dropout_p === undefined
    ? null
    : { p: r.dropout_p, expected_view_cosine: expectedDropoutViewCosine(r.dropout_p) };
  const embeddings = embeddingsFull ? withoutRows(embeddingsFull) : null;
  const trajectory = trajectoryFull ? withoutForecast(trajectoryFull) : null;

  const findings = bySeverity(contrastiveFindings({
    scaling,
    precision: r.precision,
    softmax,
    normalized,
    batchSize,
    dim: r.dim ?? embeddingsFull?.dim ?? null,
    stages,
    trajectory: trajectoryFull,
    embeddings,
    dropoutP: r.dropout_p ?? null,
  }));
  const forecast = trajectoryFull?.forecast ?? null;
  const header = [
    r.precision,
    scaling.kind === "temperature" ? `τ = ${f(tau)}` : `logit_scale = ${f(scaling.value)}`,
    `${softmax} softmax`,
    batchSize === null ? null : `B = ${batchSize}`,
    normalized === null ? null : normalized ? "L2-normalised" : "not normalised",
  ].filter(Boolean).join(", ");
  return {
    precision: r.precision,
    semantics,
    softmax,
    temperature: tau,
    logit_scale: scaleFactor(scaling),
    modes,
    stages_from: stagesFrom,
    max_logit: stages?.max_logit ?? null,
    max_dot: stages ? maxDot : null,
    safe_dot_limit: stages?.safe_dot_limit ?? null,
    stages: stages?.stages ?? [],
    first_overflow: stages?.first_overflow ?? null,
    loss_bounds: stages && batchSize !== null && Number.isFinite(stages.max_logit)
      ? infoNceLossBounds(stages.max_logit, batchSize)
      : null,
    dropout,
    trajectory,
    forecast,
    embeddings,
    per_row: embeddingsFull?.per_row ?? null,
    findings,
    summary: contrastiveSummary({ header, stages, forecast, embeddings, findings }),
  };
}
