import type { RisingTrend } from "../rising_trend.ts";
import { EXPLAIN } from "../tuning.ts";
import type { Rule } from "./evidence.ts";
import { fmt } from "./format.ts";

/**
 * `rising-loss`: the loss ends clearly above the lowest level it reached (a warning; critical
 * from 3× when the rise gives back at least half of the descent before it, in ln(loss): a
 * contrastive loss that fell from 1.13 to 0.004 and rose to 0.014 has given back a fifth).
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
 * import { risingLoss } from "./rising_loss.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // down from 2 to 0.5 over 300 steps, then up to 7.5
 * const loss = Float64Array.from(
 *   { length: 1000 },
 *   (_, i) => (i < 300 ? 2 - i / 200 : 0.5 + (i - 300) / 100) * (1 + 0.02 * noise()),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = risingLoss.explain(evidence);
 * assertEquals([finding?.id, finding?.severity], ["rising-loss", "critical"]);
 * ```
 */
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
