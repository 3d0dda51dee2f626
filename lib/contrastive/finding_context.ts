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
  /** Which optimizer. */
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

/**
 * Everything the contrastive findings are drawn from: the request as resolved and the results of
 * every analysis (null where an analysis did not run). Each finding rule reads it and appends what
 * it finds.
 */
export interface FindingContext {
  /** How q·k become logits. */
  scaling: Scaling;
  /** How the model is trained. */
  precision: Precision;
  /** The framework's softmax or a hand-written one. */
  softmax: SoftmaxKind;
  /** Which contrastive loss. */
  loss: LossKind;
  /** true/false as stated or measured; null when unknown. */
  normalized: boolean | null;
  /** B, when known. */
  batchSize: number | null;
  /** The embedding dimension, when known. */
  dim: number | null;
  /** The worst case followed through the stages. */
  stages: StageAnalysis | null;
  /** The logged trajectory, with its forecast. */
  trajectory: TrajectoryAnalysis | null;
  /** What the embeddings show. */
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  /** The dropout that makes the two views of a positive pair. */
  dropoutP: number | null;
  /** Null when the scale is fixed. */
  learnable: LearnableScale | null;
  /** F.normalize on the smallest row (stated min_norm, or measured from the embeddings). */
  normalization: NormCheck | null;
  /** The positives of a supervised batch. */
  positives: PositiveSets | null;
  /** The mask sentinel in the logits' format. */
  maskFill: MaskFillCheck | null;
  /** Where a non-finite loss of the trajectory came from. */
  nan: NanOrigin | null;
  /** The optimizer, as far as the findings need it. */
  optimizer: OptimizerInfo | null;
}
