/**
 * Where the worst case of a contrastive check comes from, and the stages it gives: the stated
 * configuration (normalised: |q·k| ≤ 1; or the norms), else the embeddings' largest |q·k|, else the
 * trajectory: the values logged at the step whose loss went non-finite (its logits, or its norms),
 * else the last logged ones. For a loss outside the softmax model (SigLIP, DCL) only q @ k.T and
 * the scaling are analysed. Also the limits the trajectory is extrapolated to: the largest safe logit
 * and |q·k| of every stage (the sum's only with a known batch size). O(B).
 */
import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import { outsideModel } from "./loss_kind.ts";
import type { ContrastiveRequest, ResolvedRequest } from "./contrastive_request.ts";
import { temperatureOf } from "./scaling.ts";
import { analyzeStages, type StageAnalysis } from "./stage_analysis.ts";
import type { LoggedAt } from "./trajectory_analysis.ts";

/** The stages and where their worst case came from. */
export interface StageSource {
  stages: StageAnalysis | null;
  from: "configuration" | "embeddings" | "trajectory" | null;
  /** The |q·k| analysed (the logit itself when the scale is unknown). */
  maxDot: number | null;
  /** The analysed case is the step whose loss went non-finite (or a stated set-up). */
  describesNanStep: boolean;
}

/** The limits of every stage, whatever |q·k| is. */
export interface StageLimits {
  safeLogitLimit: number | null;
  safeDotLimit: number | null;
}

/** Runs the stages for the largest |q·k| `maxDot` (B defaults to 2 when unknown). */
export function stagesAt(
  maxDot: number,
  req: ResolvedRequest,
  r: ContrastiveRequest,
  batchSize: number | null,
): StageAnalysis {
  return analyzeStages({
    maxDot,
    scaling: req.scaling,
    batchSize: batchSize ?? 2,
    precision: r.precision,
    softmax: req.softmax,
    softmaxStages: outsideModel(req.loss) === null,
  });
}

/** The limits of every stage (the sum's only with a known batch size). */
export function stageLimits(
  req: ResolvedRequest,
  r: ContrastiveRequest,
  batchSize: number | null,
): StageLimits {
  const s = stagesAt(0, req, r, batchSize).stages
    .filter((x) => batchSize !== null || x.name !== "sum");
  const logit = Math.min(
    ...s.filter((x) => x.name !== "matmul").map((x) => x.safe_logit_limit ?? Infinity),
  );
  const dot = Math.min(...s.map((x) => x.safe_dot_limit ?? Infinity));
  return {
    safeLogitLimit: Number.isFinite(logit) ? logit : null,
    safeDotLimit: req.scaling.kind === "none" || !Number.isFinite(dot) ? null : dot,
  };
}

/** The |q·k| a trajectory's logged values give, preferring the step that went non-finite. */
function loggedDot(req: ResolvedRequest, at: LoggedAt | null, latest: LoggedAt): number | null {
  const tau = temperatureOf(req.scaling);
  for (const v of [at, latest]) {
    if (!v) continue;
    if (v.max_logit !== undefined) return v.max_logit * tau;
    if (v.q_norm !== undefined && v.k_norm !== undefined && req.scaling.kind !== "none") {
      return v.q_norm * v.k_norm;
    }
  }
  return null;
}

export function stageSource(
  req: ResolvedRequest,
  r: ContrastiveRequest,
  batchSize: number | null,
  embeddings: EmbeddingsAnalysis | null,
  logged: { at: LoggedAt | null; latest: LoggedAt } | null,
): StageSource {
  let from: StageSource["from"] = null;
  let maxDot: number | null = null;
  let describesNanStep = true;
  if (req.configuredDot !== null) [from, maxDot] = ["configuration", req.configuredDot];
  else if (embeddings) [from, maxDot] = ["embeddings", embeddings.max_abs_dot];
  else if (logged) {
    maxDot = loggedDot(req, logged.at, logged.latest);
    from = maxDot === null ? null : "trajectory";
    const at = logged.at;
    describesNanStep = at !== null &&
      (at.max_logit !== undefined || (at.q_norm !== undefined && at.k_norm !== undefined));
  }
  const ok = maxDot !== null && Number.isFinite(maxDot) && batchSize !== null;
  return ok
    ? { stages: stagesAt(maxDot!, req, r, batchSize), from, maxDot, describesNanStep }
    : { stages: null, from: null, maxDot: null, describesNanStep: false };
}
