import type { Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";
import { fmt } from "./format.ts";

/**
 * `epoch-start-drop`: the loss steps down at each epoch's start and stays flat within the
 * epoch — the model meets the same examples again and remembers them (information: expected
 * in a small-data fine-tune; a warning when the eval loss rises meanwhile: memorisation that
 * costs held-out loss).
 *
 * Why: in a multi-epoch fine-tune the training loss of an example falls most when it is seen
 * again, so the curve is a staircase with the epoch's length (`staircase.ts`). It is not a
 * fault by itself; it is memorisation, which becomes overfitting when the eval loss rises.
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
 * import { epochStartDrop } from "./epoch_start_drop.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 3 epochs of 800 steps logged every 50: 0.33 → 0.25 → 0.20 at the epoch starts, flat within
 * const levels = [0.33, 0.25, 0.2];
 * const loss = Float64Array.from(
 *   { length: 48 },
 *   (_, i) => levels[Math.floor(i / 16)] * (1 + 0.002 * noise()),
 * );
 * const prepared = prepare(loss, { stepsPerEpoch: 800, logEvery: 50 }, stepAxis(loss.length, undefined, 50), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(epochStartDrop.explain(evidence)?.id, "epoch-start-drop");
 * ```
 */
export const epochStartDrop: Rule = {
  id: "epoch-start-drop",
  explain(e) {
    if (e.reading?.cause !== "staircase" || !e.stairs) return null;
    const { stairs } = e;
    const down = stairs.steps.filter((s) => s < 0);
    const [low, high] = [Math.max(...down), Math.min(...down)];
    const size = stairs.domain === "log"
      ? `${fmt(100 * (1 - Math.exp(low)))}–${fmt(100 * (1 - Math.exp(high)))} %`
      : `${fmt(-low)}–${fmt(-high)}`;
    return {
      id: "epoch-start-drop",
      // Memorisation is overfitting when the eval loss rises.
      severity: e.overfitting ? "warning" : "info",
      title: "The loss steps down at every epoch start",
      evidence:
        `every ${e.periodicity.period} steps ${
          epochText(e)
        } the level drops ${size} beyond the drift within the epochs (${stairs.drops} of ${stairs.boundaries} boundaries, ` +
        `the drop holding through the next epoch; pooled z = ${stairs.z.toFixed(1)}) and stays ` +
        "flat in between: the model meets the same examples again and fits them better each " +
        "time. " +
        (e.overfitting
          ? "The eval loss rises meanwhile: the model memorises its training set (see overfitting)."
          : "It is expected in a fine-tune of a small dataset; it becomes overfitting when " +
            "the eval loss rises" + (e.options.evalLoss ? "." : " (send eval_loss to tell).")) +
        (e.layout
          ? ""
          : ` If an epoch is not ${e.periodicity.period} steps, a learning rate that steps down every ${e.periodicity.period} steps does the same.`),
      remedies: [
        "Train for fewer epochs, or stop early on the eval loss (Hugging Face: `load_best_model_at_end=True` with `EarlyStoppingCallback`).",
        "Use more data, or deduplicate it: repeated examples make the steps deeper.",
        "Lower the learning rate (or its peak after warm-up): each pass then memorises less.",
        "Regularise: weight decay, dropout, label smoothing, or fewer trainable parameters (LoRA).",
      ],
    };
  },
};
