/**
 * `non-finite-loss`: the loss is NaN or infinite somewhere (critical).
 *
 * Non-finite values are data: counted, the first located, and left out of every statistic.
 *
 * @example
 * ```ts
 * nonFiniteLoss.explain(evidence)?.severity; // "critical" when any point is NaN or ±Infinity
 * ```
 */
import type { Rule } from "./evidence.ts";

export const nonFiniteLoss: Rule = {
  id: "non-finite-loss",
  explain(e) {
    if (e.nonFinite.count === 0) return null;
    return {
      id: "non-finite-loss",
      severity: "critical",
      title: "The loss is NaN or infinite",
      evidence:
        `${e.nonFinite.count} of ${e.n} points are not finite; the first at step ${e.nonFinite.first_step}. They are left out of every statistic here.`,
      remedies: [
        "Find the first non-finite operation: `torch.autograd.set_detect_anomaly(True)` for a few steps, and log the max |activation|, |logit| and gradient norm per step.",
        "Under fp16 autocast keep `torch.cuda.amp.GradScaler` (it skips steps with inf gradients) or train in bf16; compute losses (softmax, log, exp) in fp32.",
        "Lower the learning rate or add warm-up, and clip the gradient norm (`clip_grad_norm_`).",
        "Check the data for NaN/inf inputs and labels, and guard divisions and logs (`log(x + eps)`, `clamp_min`).",
      ],
    };
  },
};
