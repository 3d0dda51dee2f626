import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { emptyPositiveSet, maskSentinelOverflow, zeroNormEmbedding } from "./forward_findings.ts";
import { nanWithoutOverflow } from "./nan_findings.ts";
import { logitOverflow, naiveOverflow, temperatureTooLow } from "./overflow_findings.ts";
import { logitScaleUnclamped } from "./scale_findings.ts";
import { dropoutFinding, noNormalization, trajectoryFindings } from "./training_findings.ts";

export type { FindingContext } from "./finding_context.ts";

/**
 * The findings of a contrastive-loss check, in the order the analyses raise them (sort them with
 * `bySeverity`): what will (or did) turn the loss into NaN, and the changes that prevent it, most
 * effective first.
 *
 * Ids (lib/findings): `logit-overflow`, `naive-softmax-overflow`, `temperature-too-low`
 * (overflow_findings.ts); `zero-norm-embedding`, `empty-positive-set`, `mask-sentinel-overflow`
 * (forward_findings.ts: NaN the forward pass makes without an overflow); `logit-scale-unclamped`
 * (scale_findings.ts); `nan-without-overflow` (nan_findings.ts); `no-l2-normalization`,
 * `norm-growth`, `rising-loss`, `dropout-too-strong` (training_findings.ts). Remedies are PyTorch
 * code to paste. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { analyzeStages } from "./stage_analysis.ts";
 * import { contrastiveFindings, type FindingContext } from "./contrastive_findings.ts";
 * // SimCSE in fp16 autocast without normalisation: |q·k| = 95.8 × 93.5, τ = 0.05, B = 128.
 * const scaling = { kind: "temperature", value: 0.05 } as const;
 * const stages = analyzeStages({
 *   maxDot: 95.8 * 93.5, scaling, batchSize: 128, precision: "fp16-autocast", softmax: "framework",
 * });
 * const context: FindingContext = {
 *   scaling, precision: "fp16-autocast", softmax: "framework", loss: "infonce", normalized: null,
 *   batchSize: 128, dim: null, stages, trajectory: null, embeddings: null, dropoutP: null,
 *   learnable: null, normalization: null, positives: null, maskFill: null, nan: null,
 *   optimizer: null,
 * };
 * assertEquals(
 *   contrastiveFindings(context).map((f) => [f.id, f.severity]),
 *   [["logit-overflow", "critical"], ["temperature-too-low", "warning"]],
 * );
 * ```
 */
export function contrastiveFindings(c: FindingContext): Finding[] {
  const out: Finding[] = [];
  for (
    const rule of [
      logitOverflow,
      naiveOverflow,
      zeroNormEmbedding,
      emptyPositiveSet,
      maskSentinelOverflow,
      nanWithoutOverflow,
      logitScaleUnclamped,
      temperatureTooLow,
      noNormalization,
      trajectoryFindings,
      dropoutFinding,
    ]
  ) rule(c, out);
  return out;
}
