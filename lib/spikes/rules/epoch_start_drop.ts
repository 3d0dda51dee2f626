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
 * epochStartDrop.explain(evidence)?.title; // "The loss steps down at every epoch start"
 * ```
 */
import type { Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";
import { fmt } from "./format.ts";

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
