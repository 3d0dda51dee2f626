import type { Excursion } from "../excursions.ts";
import { excursionText } from "./divergence.ts";
import type { Rule } from "./evidence.ts";
import { fmt } from "./format.ts";
import { CLIP } from "./remedies.ts";

/**
 * `transient-instability`: the loss exploded — 10× the lowest level it had reached, or
 * NaN/infinite — and came back (a warning: what blew up once may blow up again, and each
 * blow-up costs the steps it takes to recover).
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
 * import { transientInstability } from "./transient_instability.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 30× for 5 steps at 300 and at 600, back to the trend after each
 * const loss = Float64Array.from(
 *   { length: 1000 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 300 < 5 && i >= 300 ? 30 : 1),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(transientInstability.explain(evidence)?.id, "transient-instability");
 * ```
 */
export const transientInstability: Rule = {
  id: "transient-instability",
  explain(e) {
    const passed = e.excursions.filter((x) => x.recovered);
    if (passed.length === 0) return null;
    // The highest against its level; one with no finite point (all NaN) ranks highest.
    const height = (x: Excursion) => Number.isNaN(x.peak) ? Infinity : x.peak / x.level || 0;
    const largest = passed.reduce((a, b) => height(b) > height(a) ? b : a);
    const others = passed.filter((x) => x !== largest).slice(0, 4).map((x) => e.stepOf(x.from));
    return {
      id: "transient-instability",
      severity: "warning",
      title: `The loss blew up ${passed.length === 1 ? "once" : `${passed.length} times`} ` +
        "and recovered",
      evidence: `${excursionText(e, largest)}; after it the loss is back at ${fmt(largest.after)}.${
        others.length > 0 ? ` Others from steps ${others.join(", ")}.` : ""
      }`,
      remedies: [
        CLIP,
        "Lower the learning rate or lengthen the warm-up; with Adam, try beta2 = 0.95 or eps = 1e-6.",
        "Log the batch ids of the steps that blew up and inspect them: a corrupt or extreme sample can do it.",
        "Under fp16 an occasional inf is what a GradScaler skips; many of them mean the loss scale or the logits are too large.",
      ],
    };
  },
};
