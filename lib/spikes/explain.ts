import { bySeverity, type Finding } from "../findings/mod.ts";
import { type Evidence, RULE_GROUPS } from "./rules/mod.ts";

/**
 * The explain stage: every diagnosis rule on the evidence, the findings in report order.
 *
 * Why: the same period has different causes and different fixes; each cause is a rule of its
 * own (`rules/`), reading one record of evidence, so that a new kind of run is a new rule, not
 * a branch inside another. Findings come out by group (health, the period, spikes with no
 * period, the trend), the more severe first within a group.
 *
 * Cost: O(rules) beyond the evidence.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { explain } from "./explain.ts";
 * import { evidenceOf } from "./analyze_spikes.ts";
 * import { excursions } from "./excursions.ts";
 * import { findSpikePeriod } from "./find_spike_period.ts";
 * import { listSpikes } from "./list_spikes.ts";
 * import { locate } from "./locate.ts";
 * import { prepare } from "./prepare.ts";
 * import { stepAxis } from "./step_axis.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // 10 epochs of 157 steps (5000 samples in batches of 32), 4× at the last step of each
 * const loss = Float64Array.from(
 *   { length: 1570 },
 *   (_, i) => (2 * Math.exp(-i / 600) + 0.3) * (1 + 0.02 * noise()) * (i % 157 === 156 ? 4 : 1),
 * );
 * const prepared = prepare(loss, { datasetSize: 5000, batchSize: 32 }, stepAxis(1570), null);
 * const located = locate(prepared, findSpikePeriod(prepared));
 * const blowUps = excursions(prepared.loss, prepared.residuals);
 * const { isolated } = listSpikes(prepared, located, blowUps);
 * const evidence = evidenceOf(prepared, located, isolated, blowUps);
 * assertEquals(explain(evidence).map((f) => f.id), ["last-batch-spike"]);
 * ```
 */
export function explain(evidence: Evidence): Finding[] {
  const findings: Finding[] = [];
  for (const group of RULE_GROUPS) {
    const raised: Finding[] = [];
    for (const rule of group) {
      const finding = rule.explain(evidence);
      if (finding) raised.push(finding);
    }
    findings.push(...bySeverity(raised));
  }
  return findings;
}
