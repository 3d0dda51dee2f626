import type { Rule } from "./evidence.ts";
import { lastBatchRule } from "./last_batch.ts";

/**
 * `last-batch-spike`: the loss spikes at the last, partial batch of every epoch (warning; as
 * information when a logged point also holds the next epoch's first step and that is likelier).
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
 * import { lastBatchSpike } from "./last_batch_spike.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples, batches of 32), 4× at the last step of each
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = lastBatchSpike.explain(evidence);
 * assertEquals([finding?.id, finding?.severity], ["last-batch-spike", "warning"]);
 * ```
 */
export const lastBatchSpike: Rule = {
  id: "last-batch-spike",
  explain: (e) => lastBatchRule(e, true),
};
