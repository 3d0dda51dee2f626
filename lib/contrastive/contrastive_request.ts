/**
 * The question a contrastive check answers, and its resolution into what the analyses need: the
 * scaling (a temperature, a logit scale, the last logit scale a trajectory logged, or none when
 * only the logits are known), the softmax, the loss, the configured largest |q·k|, and whether the
 * scale is learned. O(n) in the trajectory.
 *
 * @throws {RangeError} when nothing can be checked, when both temperature and logit_scale are
 * given, when a configuration or embeddings have no scale to turn |q·k| into logits, or q_norm is
 * given without k_norm.
 */
import type { Semantics } from "../fp/mod.ts";
import type { OptimizerInfo } from "./finding_context.ts";
import type { LossKind } from "./loss_kind.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import { checkScaling, type Scaling } from "./scaling.ts";
import type { TrajectoryPoint } from "./trajectory_analysis.ts";

/** The range of a temperature or logit scale: 1/value and everything scaled by it stay finite. */
export const SCALE_RANGE = [1e-300, 1e300] as const;

/** The question, in any combination of its forms. */
export interface ContrastiveRequest {
  temperature?: number;
  logit_scale?: number;
  /** The temperature or scale is a learned parameter. */
  learnable_scale?: boolean;
  /** Its clamp: the largest logit_scale, or the smallest temperature (implies learnable). */
  scale_clamp?: number;
  normalized?: boolean;
  q_norm?: number;
  k_norm?: number;
  max_norm?: number;
  /** The smallest row norm of q or k before F.normalize. */
  min_norm?: number;
  batch_size?: number;
  dim?: number;
  precision: Precision;
  softmax?: SoftmaxKind;
  /** Which loss; `supcon` when labels are given, else `infonce`. */
  loss?: LossKind;
  /** The class label of each sample of a supervised (SupCon) batch. */
  labels?: (number | string)[];
  /** Views per sample in a supervised batch (SupConLoss's n_views; default 2). */
  views?: number;
  /** The value written over masked logits (self-similarity, padding), or -Infinity. */
  mask_fill?: number;
  optimizer?: OptimizerInfo;
  dropout_p?: number;
  trajectory?: TrajectoryPoint[];
  q?: number[][];
  k?: number[][];
  /** "torch" (default): q and k go to their format through fp32, as torch tensors do; "ieee". */
  semantics?: Semantics;
}

/** What the analyses are run with. */
export interface ResolvedRequest {
  scaling: Scaling;
  softmax: SoftmaxKind;
  loss: LossKind;
  /** The configured largest |q·k|: 1 when normalised, the norm product, or null. */
  configuredDot: number | null;
  hasEmbeddings: boolean;
  learnable: boolean;
  clamp: number | null;
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
