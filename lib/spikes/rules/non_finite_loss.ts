import type { Rule } from "./evidence.ts";

/**
 * `non-finite-loss`: the loss is NaN or infinite somewhere (critical).
 *
 * Non-finite values are data: counted, the first located, and left out of every statistic.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { evidenceOf } from "../analyze_spikes.ts";
 * import { excursions } from "../excursions.ts";
 * import { findSpikePeriod } from "../find_spike_period.ts";
 * import { listSpikes } from "../list_spikes.ts";
 * import { locate } from "../locate.ts";
 * import { prepare } from "../prepare.ts";
 * import { stepAxis } from "../step_axis.ts";
 * import { nonFiniteLoss } from "./non_finite_loss.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // one NaN loss, at step 250
 * const loss = Float64Array.from(
 *   { length: 500 },
 *   (_, i) => i === 250 ? NaN : (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = nonFiniteLoss.explain(evidence);
 * assertEquals([finding?.id, finding?.severity], ["non-finite-loss", "critical"]);
 * ```
 */
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
