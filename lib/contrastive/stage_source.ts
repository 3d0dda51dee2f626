import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import { outsideModel } from "./loss_kind.ts";
import type { ContrastiveRequest, ResolvedRequest } from "./contrastive_request.ts";
import { temperatureOf } from "./scaling.ts";
import { analyzeStages, type StageAnalysis } from "./stage_analysis.ts";
import type { LoggedAt } from "./trajectory_analysis.ts";

/** The stages and where their worst case came from. */
export interface StageSource {
  /** The worst case followed through the stages; null when there is none. */
  stages: StageAnalysis | null;
  /** The input it was taken from. */
  from: "configuration" | "embeddings" | "trajectory" | null;
  /** The |q·k| analysed (the logit itself when the scale is unknown). */
  maxDot: number | null;
  /** The analysed case is the step whose loss went non-finite (or a stated set-up). */
  describesNanStep: boolean;
}

/** The limits of every stage, whatever |q·k| is. */
export interface StageLimits {
  /** The largest |logit| every stage after the scaling survives; null when none can overflow. */
  safeLogitLimit: number | null;
  /** The largest |q·k| every stage survives; null when the scale is unknown or none overflows. */
  safeDotLimit: number | null;
}

/**
 * Runs the stages for the largest |q·k| `maxDot` (B defaults to 2 when unknown). O(B).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { resolveRequest } from "./contrastive_request.ts";
 * import { stagesAt } from "./stage_source.ts";
 * const request = { temperature: 0.05, normalized: true, precision: "fp16" } as const;
 * const at = (maxDot: number) =>
 *   stagesAt(maxDot, resolveRequest(request), request, 128).first_overflow?.stage;
 * assertEquals([at(1), at(5000)], [undefined, "temperature"]);
 * ```
 */
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

/**
 * The limits the trajectory is extrapolated to: the largest safe logit and |q·k| of every stage
 * (the sum's only with a known batch size). O(B).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { resolveRequest } from "./contrastive_request.ts";
 * import { stageLimits } from "./stage_source.ts";
 * const request = { temperature: 0.05, normalized: true, precision: "fp16-autocast" } as const;
 * const limits = stageLimits(resolveRequest(request), request, 128);
 * assertEquals(limits.safeLogitLimit, 65504);
 * assertAlmostEquals(limits.safeDotLimit!, 3275.2, 1e-9); // 65504·τ
 * ```
 */
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

/**
 * Where the worst case of a contrastive check comes from, and the stages it gives (`stages` null
 * when there is no worst case or no batch size): the stated
 * configuration (normalised: |q·k| ≤ 1; or the norms), else the embeddings' largest |q·k|, else the
 * trajectory: the values logged at the step whose loss went non-finite (its logits, or its norms),
 * else the last logged ones. For a loss outside the softmax model (SigLIP, DCL) only q @ k.T and
 * the scaling are analysed. The limits the trajectory is extrapolated to are
 * {@linkcode stageLimits}'s. O(B).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { resolveRequest } from "./contrastive_request.ts";
 * import { stageSource } from "./stage_source.ts";
 * const request = {
 *   temperature: 0.05, q_norm: 95.8, k_norm: 93.5, precision: "fp16-autocast",
 * } as const;
 * const source = stageSource(resolveRequest(request), request, 128, null, null);
 * assertEquals([source.from, source.maxDot], ["configuration", 95.8 * 93.5]);
 * assertEquals(source.stages?.first_overflow?.stage, "temperature");
 * assertEquals(stageSource(resolveRequest(request), request, null, null, null).stages, null);
 * ```
 */
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
