/** What the contrastive findings are drawn from. */
import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import type { Scaling } from "./scaling.ts";
import type { StageAnalysis } from "./stage_analysis.ts";
import type { TrajectoryAnalysis } from "./trajectory_analysis.ts";

/** Everything the findings are drawn from. */
export interface FindingContext {
  scaling: Scaling;
  precision: Precision;
  softmax: SoftmaxKind;
  /** true/false as stated or measured; null when unknown. */
  normalized: boolean | null;
  batchSize: number | null;
  /** The embedding dimension, when known. */
  dim: number | null;
  stages: StageAnalysis | null;
  trajectory: TrajectoryAnalysis | null;
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  dropoutP: number | null;
}
