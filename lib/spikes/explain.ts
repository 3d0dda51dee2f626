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
 * explain(evidence).map((f) => f.id); // ["last-batch-spike"]
 * ```
 */
import { bySeverity, type Finding } from "../findings/mod.ts";
import { type Evidence, RULE_GROUPS } from "./rules/mod.ts";

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
