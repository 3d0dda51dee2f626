/**
 * `rising-loss`: the loss ends clearly above the lowest level it reached (a warning; critical
 * from 3× when the rise gives back at least half of the descent before it, in ln(loss): a
 * contrastive loss that fell from 1.13 to 0.004 and rose to 0.014 has given back a fifth).
 *
 * @example
 * ```ts
 * risingLoss.explain(evidence)?.severity; // "critical" for a loss that ends 3× above its low
 * ```
 */
import type { RisingTrend } from "../rising_trend.ts";
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
      severity: r.factor >= EXPLAIN.risingCritical && r.share >= EXPLAIN.risingCriticalShare
        ? "critical"
        : "warning",
      title: "The loss is rising",
      evidence: `the last tenth of the run sits at ${fmt(r.final)}, ${
        fmt(r.factor)
      }× the lowest level ${fmt(r.lowest)} (around step ${e.stepOf(r.lowestAt)})${descentText(r)}.`,
      remedies: [
        "Lower the learning rate (or lengthen warm-up); with Adam, try a smaller beta2 (0.95) or larger eps.",
        "Clip the gradient norm (`clip_grad_norm_`) and log it: a growing norm precedes divergence.",
        "For a contrastive loss: L2-normalise the embeddings (`F.normalize`) and check the temperature — norms that grow make the logits grow (POST /v1/contrastive).",
        "Check for a train/eval mode mix-up and for data that changes over the run (a curriculum, a new shard).",
      ],
    };
  },
};

/** How much of the descent before the lowest level the rise has given back. */
function descentText(r: RisingTrend): string {
  if (!Number.isFinite(r.share)) return ", the level it started from";
  return `, after falling from ${fmt(r.highest)}: ${
    (100 * r.share).toFixed(0)
  } % of that descent given back${r.final > 0 && r.lowest > 0 ? " (in ln(loss))" : ""}`;
}
