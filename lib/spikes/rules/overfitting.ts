import { overfittingFinding } from "../overfitting.ts";
import type { Rule } from "./evidence.ts";

/**
 * `overfitting`: the eval loss rises while the training loss falls (a warning; needs an
 * eval-loss series). The test and the finding's text are `../overfitting.ts`'s.
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
 * import { overfittingRule } from "./overfitting.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the training loss keeps falling (a point every 25 steps); the eval loss rises after step 1000
 * const loss = Float64Array.from({ length: 200 }, (_, i) => (1 + 0.01 * noise()) / (1 + i / 20));
 * const evalLoss = {
 *   steps: Float64Array.of(1000, 2000, 3000, 4000, 5000),
 *   values: Float64Array.of(0.307, 0.356, 0.421, 0.452, 0.468),
 * };
 * const prepared = prepare(loss, { logEvery: 25, evalLoss }, stepAxis(loss.length, undefined, 25), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(overfittingRule.explain(evidence)?.id, "overfitting");
 * ```
 */
export const overfittingRule: Rule = {
  id: "overfitting",
  explain: (e) => e.overfitting ? overfittingFinding(e.overfitting) : null,
};
