import type { Semantics } from "../fp/mod.ts";
import type { OptimizerInfo } from "./finding_context.ts";
import type { LossKind } from "./loss_kind.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import { checkScaling, type Scaling } from "./scaling.ts";
import type { TrajectoryPoint } from "./trajectory_analysis.ts";

/**
 * The range of a temperature or logit scale a trajectory may log and still stand in for the
 * input: 1/value and everything scaled by it stay finite.
 */
export const SCALE_RANGE = [1e-300, 1e300] as const;

/**
 * The question a contrastive check answers (the body of `POST /v1/contrastive`), in any
 * combination of its forms: a configuration, a trajectory, the embeddings, a label mask, a mask
 * fill.
 */
export interface ContrastiveRequest {
  /** τ: the logits are q·k/τ. */
  temperature?: number;
  /** s: the logits are s·q·k (CLIP's `logit_scale.exp()`). */
  logit_scale?: number;
  /** The temperature or scale is a learned parameter. */
  learnable_scale?: boolean;
  /** Its clamp: the largest logit_scale, or the smallest temperature (implies learnable). */
  scale_clamp?: number;
  /** q and k are L2-normalised before the similarity (|q·k| ≤ 1). */
  normalized?: boolean;
  /** The largest row norm of q. */
  q_norm?: number;
  /** The largest row norm of k. */
  k_norm?: number;
  /** The largest row norm of either (|q·k| ≤ max_norm²). */
  max_norm?: number;
  /** The smallest row norm of q or k before F.normalize. */
  min_norm?: number;
  /** B, the logits of a row. */
  batch_size?: number;
  /** The embedding dimension. */
  dim?: number;
  /** How the model is trained. */
  precision: Precision;
  /** The framework's softmax (default) or a hand-written one. */
  softmax?: SoftmaxKind;
  /** Which loss; `supcon` when labels are given, else `infonce`. */
  loss?: LossKind;
  /** The class label of each sample of a supervised (SupCon) batch. */
  labels?: (number | string)[];
  /** Views per sample in a supervised batch (SupConLoss's n_views; default 2). */
  views?: number;
  /** The value written over masked logits (self-similarity, padding), or -Infinity. */
  mask_fill?: number;
  /** The optimizer, for a NaN without overflow. */
  optimizer?: OptimizerInfo;
  /** The dropout that makes the two views of a positive pair (SimCSE). */
  dropout_p?: number;
  /** Values logged during training, one point per step. */
  trajectory?: TrajectoryPoint[];
  /** The query embeddings, one row per sample. */
  q?: number[][];
  /** The key embeddings: row i is the positive of q's row i. */
  k?: number[][];
  /** "torch" (default): q and k go to their format through fp32, as torch tensors do; "ieee". */
  semantics?: Semantics;
}

/** What the analyses are run with. */
export interface ResolvedRequest {
  /** How q·k become logits (a logged scale, or `none`, when the request gives neither). */
  scaling: Scaling;
  /** The softmax, defaulted. */
  softmax: SoftmaxKind;
  /** The loss, defaulted (`supcon` with labels, else `infonce`). */
  loss: LossKind;
  /** The configured largest |q·k|: 1 when normalised, the norm product, or null. */
  configuredDot: number | null;
  /** q and k were given. */
  hasEmbeddings: boolean;
  /** The scale is learned (stated, or implied by a clamp). */
  learnable: boolean;
  /** The clamp of a learned scale, as given. */
  clamp: number | null;
  /** Views per sample of a supervised batch (default 2). */
  views: number;
}

/** The configured largest |q·k|, or null when the request states no norms. */
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

function scalingOf(r: ContrastiveRequest): Scaling {
  if (r.temperature !== undefined && r.logit_scale !== undefined) {
    throw new RangeError("give one of temperature and logit_scale, not both");
  }
  if (r.temperature !== undefined) {
    return checkScaling({ kind: "temperature", value: r.temperature });
  }
  if (r.logit_scale !== undefined) {
    return checkScaling({ kind: "logit_scale", value: r.logit_scale });
  }
  // A logged scale stands in for the input within the range the input accepts (1/s finite).
  const logged = (r.trajectory ?? []).map((p) => p.logit_scale)
    .filter((v): v is number =>
      typeof v === "number" && v >= SCALE_RANGE[0] && v <= SCALE_RANGE[1]
    );
  return logged.length > 0
    ? { kind: "logit_scale", value: logged[logged.length - 1] }
    : { kind: "none", value: 1 };
}

function checkSomething(r: ContrastiveRequest, configured: number | null): void {
  const something = configured !== null || r.normalized !== undefined || r.q !== undefined ||
    r.trajectory !== undefined || r.labels !== undefined || r.mask_fill !== undefined ||
    r.min_norm !== undefined;
  if (!something) {
    throw new RangeError(
      "nothing to check: give q_norm and k_norm (or max_norm, or normalized), a trajectory, " +
        "the embeddings q and k, labels, mask_fill or min_norm",
    );
  }
}

/**
 * Resolves the question a contrastive check answers into what the analyses need: the
 * scaling (a temperature, a logit scale, the last logit scale a trajectory logged, or none when
 * only the logits are known), the softmax, the loss, the configured largest |q·k|, and whether the
 * scale is learned. O(n) in the trajectory.
 *
 * @throws {RangeError} when nothing can be checked, when both temperature and logit_scale are
 * given, when a configuration or embeddings have no scale to turn |q·k| into logits, or q_norm is
 * given without k_norm.
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { resolveRequest } from "./contrastive_request.ts";
 * assertEquals(
 *   resolveRequest({ temperature: 0.05, q_norm: 95.8, k_norm: 93.5, precision: "fp16-autocast" }),
 *   {
 *     scaling: { kind: "temperature", value: 0.05 }, softmax: "framework", loss: "infonce",
 *     configuredDot: 95.8 * 93.5, hasEmbeddings: false, learnable: false, clamp: null, views: 2,
 *   },
 * );
 * // only a trajectory: its last logged logit scale stands in
 * const logged = resolveRequest({
 *   precision: "fp16", trajectory: [{ step: 1, max_logit: 90, logit_scale: 100 }],
 * });
 * assertEquals(logged.scaling, { kind: "logit_scale", value: 100 });
 * assertThrows(() => resolveRequest({ precision: "fp16" }), RangeError, "nothing to check");
 * ```
 */
export function resolveRequest(r: ContrastiveRequest): ResolvedRequest {
  const configured = configuredDot(r);
  checkSomething(r, configured);
  const hasEmbeddings = r.q !== undefined || r.k !== undefined;
  if (hasEmbeddings && (r.q === undefined || r.k === undefined)) {
    throw new RangeError("embeddings need both q and k");
  }
  const scaling = scalingOf(r);
  if (scaling.kind === "none" && (configured !== null || hasEmbeddings)) {
    throw new RangeError(
      "give temperature or logit_scale (or log logit_scale in the trajectory): the norms or " +
        "embeddings need it to become logits",
    );
  }
  if (r.scale_clamp !== undefined && !(r.scale_clamp > 0 && r.scale_clamp < Infinity)) {
    throw new RangeError(`scale_clamp must be a positive number, found ${r.scale_clamp}`);
  }
  const loss = r.loss ?? (r.labels !== undefined ? "supcon" : "infonce");
  return {
    scaling,
    softmax: r.softmax ?? "framework",
    loss,
    configuredDot: configured,
    hasEmbeddings,
    learnable: r.learnable_scale === true || r.scale_clamp !== undefined,
    clamp: r.scale_clamp ?? null,
    views: r.views ?? 2,
  };
}
