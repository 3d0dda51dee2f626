/**
 * The findings of a contrastive-loss check: what will (or did) turn the loss into NaN, and the
 * changes that prevent it, most effective first.
 *
 * Ids (lib/findings): `logit-overflow` (q @ k.T or / τ exceeds the half format: critical; within a
 * factor 2 of it: warning), `naive-softmax-overflow` (a hand-written exp/sum overflows: critical;
 * under autocast, where exp runs in fp32, but the logits exceed ln 65504 so the same code overflows
 * in pure fp16: info), `temperature-too-low` (the division by τ is the stage that overflows, or
 * the logit scale is above CLIP's clamp of 100), `no-l2-normalization` (warning in half precision or
 * when norms grow or overflow, info otherwise), `norm-growth` and `rising-loss` (from a trajectory),
 * `dropout-too-strong` (p ≥ 0.3 warning, 0.2 < p < 0.3 info: the two views of SimCSE-style
 * positives have cosine ≈ 1 − p). Remedies are PyTorch code to paste. O(1).
 */
import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { logitOverflow, naiveOverflow, temperatureTooLow } from "./overflow_findings.ts";
import { dropoutFinding, noNormalization, trajectoryFindings } from "./training_findings.ts";

export type { FindingContext } from "./finding_context.ts";

/** The findings, in the order the analyses raise them (sort with `bySeverity`). */
export function contrastiveFindings(c: FindingContext): Finding[] {
  const out: Finding[] = [];
  logitOverflow(c, out);
  naiveOverflow(c, out);
  temperatureTooLow(c, out);
  noNormalization(c, out);
  trajectoryFindings(c, out);
  dropoutFinding(c, out);
  return out;
}
