/**
 * `unshuffled-data`: the whole loss profile repeats every epoch — the batches come in the same
 * order each epoch (warning).
 *
 * @example
 * ```ts
 * unshuffledData.explain(evidence)?.remedies[0]; // shuffle=True …
 * ```
 */
import type { Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";

export const unshuffledData: Rule = {
  id: "unshuffled-data",
  explain(e) {
    if (e.reading?.cause !== "data-order") return null;
    return {
      id: "unshuffled-data",
      severity: "warning",
      title: "The whole loss profile repeats every epoch",
      evidence:
        `the loss around its trend follows the same step-to-step profile every ${e.periodicity.period} steps ${
          epochText(e)
        }: the batches come in the same order each epoch, so each step sees the same examples.`,
      remedies: [
        "Shuffle every epoch: `DataLoader(..., shuffle=True)` (or a `DistributedSampler` with `sampler.set_epoch(epoch)` before each epoch); tf.data: `.shuffle(buffer_size, reshuffle_each_iteration=True)` with a buffer as large as the dataset allows.",
        "If the data is sharded by class, source or length, interleave the shards.",
      ],
    };
  },
};
