/** What the contrastive findings are drawn from. */
import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import type { LossKind } from "./loss_kind.ts";
import type { MaskFillCheck } from "./mask_fill.ts";
import type { NanOrigin } from "./nan_origin.ts";
import type { NormCheck } from "./normalization.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import type { Scaling } from "./scaling.ts";
import type { StageAnalysis } from "./stage_analysis.ts";
import type { PositiveSets } from "./supervised_mask.ts";
import type { TrajectoryAnalysis } from "./trajectory_analysis.ts";

/** The optimizer, as far as the findings need it. */
export interface OptimizerInfo {
  type: "adam" | "adamw" | "sgd" | "other";
  /** Adam's eps (default 1e-8). */
  eps?: number;
}

/** A learned temperature or logit scale. */
export interface LearnableScale {
  /** The clamp, in the units of the scale's input (largest logit_scale, or smallest τ). */
  clamp: number | null;
  /** The largest multiplier of q·k every stage survives at the analysed |q·k|; null if unknown. */
  safe_scale: number | null;
}

/** Everything the findings are drawn from. */
export interface FindingContext {
  scaling: Scaling;
  precision: Precision;
  softmax: SoftmaxKind;
  loss: LossKind;
  /** true/false as stated or measured; null when unknown. */
  normalized: boolean | null;
  batchSize: number | null;
  /** The embedding dimension, when known. */
  dim: number | null;
  stages: StageAnalysis | null;
  trajectory: TrajectoryAnalysis | null;
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  dropoutP: number | null;
  /** Null when the scale is fixed. */
  learnable: LearnableScale | null;
  /** F.normalize on the smallest row (stated min_norm, or measured from the embeddings). */
  normalization: NormCheck | null;
  positives: PositiveSets | null;
  maskFill: MaskFillCheck | null;
  nan: NanOrigin | null;
  optimizer: OptimizerInfo | null;
}
