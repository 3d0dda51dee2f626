/**
 * `divergence`: the loss explodes — 10× the lowest level it had reached, or NaN/infinite — and
 * does not come back (critical: the run is lost from there).
 *
 * @example
 * ```ts
 * divergence.explain(evidence)?.evidence; // "from step 5200 the loss reaches 41 (205× …"
 * ```
 */
import type { Excursion } from "../excursions.ts";
import type { Evidence, Rule } from "./evidence.ts";
import { fmt } from "./format.ts";
import { CLIP } from "./remedies.ts";

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

/** Where an excursion is and how high it went, in steps and against its level. */
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
