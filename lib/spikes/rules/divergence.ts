import type { Excursion } from "../excursions.ts";
import type { Evidence, Rule } from "./evidence.ts";
import { fmt } from "./format.ts";
import { CLIP } from "./remedies.ts";

/**
 * `divergence`: the loss explodes — 10× the lowest level it had reached, or NaN/infinite — and
 * does not come back (critical: the run is lost from there).
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
 * import { divergence } from "./divergence.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // from step 900 the loss climbs to 50×, 100×, … and never comes back
 * const loss = Float64Array.from(
 *   { length: 1000 },
 *   (_, i) => (i < 900 ? 1 : 50 * (i - 899)) * (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const finding = divergence.explain(evidence);
 * assertEquals([finding?.id, finding?.severity], ["divergence", "critical"]);
 * ```
 */
export const divergence: Rule = {
  id: "divergence",
  explain(e) {
    const lost = e.excursions.find((x) => !x.recovered);
    if (!lost) return null;
    return {
      id: "divergence",
      severity: "critical",
      title: "The run diverged and did not recover",
      evidence: `${excursionText(e, lost)}; ${
        Number.isNaN(lost.after)
          ? "the run ends there"
          : `after it the loss stays at ${fmt(lost.after)}${ratioText(lost.after, lost.level)}`
      }.`,
      remedies: [
        "Restart from the last checkpoint before the blow-up with a lower learning rate (halve it) or a longer warm-up.",
        CLIP,
        "Under fp16 keep a GradScaler (it skips steps with inf gradients) or train in bf16; compute softmax, log and exp in fp32.",
        "With Adam, a smaller beta2 (0.95) or a larger eps (1e-6) keeps a tiny second moment from inflating a step.",
      ],
    };
  },
};

/**
 * Where an excursion is and how high it went, in steps and against its level.
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
 * import { excursionText } from "./divergence.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // from step 900 the loss climbs to 50×, 100×, … and never comes back
 * const loss = Float64Array.from(
 *   { length: 1000 },
 *   (_, i) => (i < 900 ? 1 : 50 * (i - 899)) * (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()),
 * );
 * const prepared = prepare(loss, {}, stepAxis(loss.length), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * const text = excursionText(evidence, evidence.excursions[0]);
 * assertEquals(text.startsWith("from step 900 to 999, the loss reaches"), true);
 * ```
 */
export function excursionText(e: Evidence, x: Excursion): string {
  const steps = x.from === x.to
    ? `at step ${e.stepOf(x.from)}`
    : `from step ${e.stepOf(x.from)} to ${e.stepOf(x.to)}`;
  const peak = Number.isNaN(x.peak)
    ? ""
    : `the loss reaches ${fmt(x.peak)}${ratioText(x.peak, x.level)}`;
  const nan = x.nonFinite > 0
    ? `${peak ? ", and " : ""}${x.nonFinite} point${x.nonFinite > 1 ? "s are" : " is"} not finite`
    : "";
  return `${steps}, ${peak}${nan}`;
}

function ratioText(value: number, level: number): string {
  return Number.isFinite(level) && level > 0
    ? ` (${fmt(value / level)}× the lowest level before, ${fmt(level)})`
    : "";
}
