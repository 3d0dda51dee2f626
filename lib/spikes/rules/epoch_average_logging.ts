/**
 * `epoch-average-logging`: the logged loss is a running mean that restarts every epoch (Keras's
 * progress bar, torchvision's `global_avg`): its jumps are an artefact of logging.
 *
 * Why: the j-th point since the restart averages j batches, so the change between consecutive
 * points falls as 1/j; a per-step loss does not decay so (`running_mean_signature.ts`).
 *
 * @example
 * ```ts
 * epochAverageLogging.explain(evidence)?.title; // "The logged loss is a running mean …"
 * ```
 */
import type { Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";

export const epochAverageLogging: Rule = {
  id: "epoch-average-logging",
  explain(e) {
    if (e.reading?.cause !== "running-mean") return null;
    return {
      id: "epoch-average-logging",
      severity: "info",
      title: "The logged loss is a running mean that restarts every epoch",
      evidence: `a saw-tooth every ${e.periodicity.period} steps ${
        epochText(e)
      }, restarting at phase ${e.periodicity.phase}; the change between consecutive points falls as j^${
        e.signature!.slope.toFixed(2)
      } with the j-th point since the restart, as a mean over j batches does (per-step losses do not decay so). The jumps are an artefact of logging, not of training.`,
      remedies: [
        "Log the loss of each step (`loss.item()` per batch) instead of the mean since the epoch began; Keras: a `Callback.on_train_batch_end` that records `logs['loss']` is already that running mean — log per-batch values with a custom metric or `model.train_on_batch`.",
        "If a smooth curve is wanted, use an exponential moving average that does not restart at epoch boundaries.",
      ],
    };
  },
};
