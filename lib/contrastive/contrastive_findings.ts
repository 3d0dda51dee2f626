/**
 * The findings of a contrastive-loss check: what will (or did) turn the loss into NaN, and the
 * changes that prevent it, most effective first.
 *
 * Ids (lib/findings): `logit-overflow`, `naive-softmax-overflow`, `temperature-too-low`
 * (overflow_findings.ts); `zero-norm-embedding`, `empty-positive-set`, `mask-sentinel-overflow`
 * (forward_findings.ts: NaN the forward pass makes without an overflow); `logit-scale-unclamped`
 * (scale_findings.ts); `nan-without-overflow` (nan_findings.ts); `no-l2-normalization`,
 * `norm-growth`, `rising-loss`, `dropout-too-strong` (training_findings.ts). Remedies are PyTorch
 * code to paste. O(1).
 */
import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { emptyPositiveSet, maskSentinelOverflow, zeroNormEmbedding } from "./forward_findings.ts";
import { nanWithoutOverflow } from "./nan_findings.ts";
import { logitOverflow, naiveOverflow, temperatureTooLow } from "./overflow_findings.ts";
import { logitScaleUnclamped } from "./scale_findings.ts";
import { dropoutFinding, noNormalization, trajectoryFindings } from "./training_findings.ts";

export type { FindingContext } from "./finding_context.ts";

/** The findings, in the order the analyses raise them (sort with `bySeverity`). */
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
