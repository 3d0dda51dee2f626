/**
 * `transient-instability`: the loss exploded — 10× the lowest level it had reached, or
 * NaN/infinite — and came back (a warning: what blew up once may blow up again, and each
 * blow-up costs the steps it takes to recover).
 *
 * @example
 * ```ts
 * transientInstability.explain(evidence)?.title; // "The loss blew up 2 times and recovered"
 * ```
 */
import type { Excursion } from "../excursions.ts";
import { excursionText } from "./divergence.ts";
import type { Rule } from "./evidence.ts";
import { fmt } from "./format.ts";
import { CLIP } from "./remedies.ts";

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
