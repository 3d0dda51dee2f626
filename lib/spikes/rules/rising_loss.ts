/**
 * `rising-loss`: the loss ends clearly above the lowest level it reached (a warning; critical
 * from 3×).
 *
 * @example
 * ```ts
 * risingLoss.explain(evidence)?.severity; // "critical" for a loss that ends 3× above its low
 * ```
 */
import { EXPLAIN } from "../tuning.ts";
import type { Rule } from "./evidence.ts";
import { fmt } from "./format.ts";

export const risingLoss: Rule = {
  id: "rising-loss",
  explain(e) {
    const r = e.rising;
    if (!r?.rising) return null;
    return {
      id: "rising-loss",
      severity: r.factor >= EXPLAIN.risingCritical ? "critical" : "warning",
      title: "The loss is rising",
      evidence: `the last tenth of the run sits at ${fmt(r.final)}, ${
        fmt(r.factor)
      }× the lowest level ${fmt(r.lowest)} (around step ${e.stepOf(r.lowestAt)}).`,
      remedies: [
        "Lower the learning rate (or lengthen warm-up); with Adam, try a smaller beta2 (0.95) or larger eps.",
        "Clip the gradient norm (`clip_grad_norm_`) and log it: a growing norm precedes divergence.",
        "For a contrastive loss: L2-normalise the embeddings (`F.normalize`) and check the temperature — norms that grow make the logits grow (POST /v1/contrastive).",
        "Check for a train/eval mode mix-up and for data that changes over the run (a curriculum, a new shard).",
      ],
    };
  },
};
