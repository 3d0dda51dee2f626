import type { Rule } from "./evidence.ts";
import { epochText } from "./epoch_text.ts";

/**
 * `unshuffled-data`: the whole loss profile repeats every epoch — the batches come in the same
 * order each epoch (warning).
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
 * import { unshuffledData } from "./unshuffled_data.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the same difficulty profile every 100-step epoch (data in a fixed order)
 * const profile = Float64Array.from({ length: 100 }, () => 0.3 * noise());
 * const loss = Float64Array.from(
 *   { length: 2000 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * Math.exp(profile[i % 100]),
 * );
 * const prepared = prepare(loss, { stepsPerEpoch: 100 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(unshuffledData.explain(evidence)?.id, "unshuffled-data");
 * ```
 */
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
