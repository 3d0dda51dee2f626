import { bySeverity, type Finding, type FindingId, type Severity } from "../findings/mod.ts";
import { mergeRemedies } from "./merge_remedies.ts";
import { type CheckName, CHECKS, type DiagnosedFinding } from "./types.ts";

/** A finding and the check that raised it. */
export interface SourcedFinding {
  /** The check that raised it. */
  check: CheckName;
  /** The finding, as the check wrote it. */
  finding: Finding;
}

/** Groups of ids that name one problem, whichever check raised them. */
export const SAME_PROBLEM: readonly (readonly FindingId[])[] = [
  ["last-batch-spike", "last-batch-dip", "batch-size-dependent-loss", "partial-last-batch"],
];

/** Whose id and title a merged finding takes: measurements before predictions. */
const LEAD_ORDER: readonly CheckName[] = ["spikes", "contrastive", "last_batch"];
/** Whose remedies come first: the configuration's name the user's own settings. */
const REMEDY_ORDER: readonly CheckName[] = ["last_batch", "contrastive", "spikes"];
/** How each check's evidence is introduced in a merged finding. */
export const EVIDENCE_LABELS: Readonly<Record<CheckName, string>> = {
  spikes: "Measured in the loss curve",
  last_batch: "Predicted from the configuration",
  contrastive: "From the contrastive set-up",
};

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * De-duplicates the findings of several checks: one finding per problem, with every check's
 * evidence and the union of their remedies, most severe first.
 *
 * Why: the checks look at one training run from different sides. The spike analysis measures a
 * spike at the last step of every epoch (`last-batch-spike`); the last-batch model predicts it
 * from the configuration (`batch-size-dependent-loss`, the cause, and `partial-last-batch`, the
 * trigger). A person should read one finding that says both "measured 4.03×" and "predicted 4×
 * by the reduction", not three that repeat each other. Findings merge when checks that differ
 * raise the same id, or ids of one problem ({@linkcode SAME_PROBLEM}); findings of a single
 * check are left as that check wrote them (it chose to separate them).
 *
 * A merged finding takes the id and title of the measurement when there is one (the spikes'
 * finding, then the contrastive check's, then the configuration's: what was seen outranks what
 * was predicted), the highest severity of its parts, each check's evidence under a label, and the
 * remedies of {@linkcode mergeRemedies}, the configuration's first (they carry the user's own
 * batch size and reduction). The result is ranked by {@linkcode bySeverity}, which is stable:
 * equal severities keep the checks' order.
 *
 * Cost: O(F² + R²) for F findings and R remedies (both small).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import { mergeFindings } from "./merge_findings.ts";
 * const spike: Finding = {
 *   id: "last-batch-spike", severity: "warning", title: "The loss spikes at every epoch's end",
 *   evidence: "4.03× at the last step of 10 of 10 epochs.", remedies: ["drop_last=True"],
 * };
 * const partial: Finding = {
 *   id: "partial-last-batch", severity: "critical", title: "The last batch has 8 of 32 samples",
 *   evidence: "5000 = 156 × 32 + 8.",
 *   remedies: ["`DataLoader(ds, batch_size=32, drop_last=True)`"],
 * };
 * const [merged, ...rest] = mergeFindings([
 *   { check: "spikes", finding: spike },
 *   { check: "last_batch", finding: partial },
 * ]);
 * assertEquals(rest, []);
 * assertEquals(merged.id, "last-batch-spike"); // the measurement leads
 * assertEquals(merged.severity, "critical"); // the worst of its parts
 * assertEquals(merged.merged_ids, ["last-batch-spike", "partial-last-batch"]);
 * assertEquals(merged.evidence, "Measured in the loss curve: 4.03× at the last step of 10 of " +
 *   "10 epochs. Predicted from the configuration: 5000 = 156 × 32 + 8.");
 * assertEquals(merged.remedies, ["`DataLoader(ds, batch_size=32, drop_last=True)`"]);
 * ```
 */
export function mergeFindings(found: readonly SourcedFinding[]): DiagnosedFinding[] {
  const keyOf = (id: FindingId) => {
    const group = SAME_PROBLEM.findIndex((ids) => ids.includes(id));
    return group >= 0 ? `group:${group}` : id;
  };
  const groups = new Map<string, SourcedFinding[]>();
  for (const item of found) {
    const key = keyOf(item.finding.id);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const out: DiagnosedFinding[] = [];
  for (const members of groups.values()) {
    const checks = CHECKS.filter((c) => members.some((m) => m.check === c));
    if (checks.length < 2) {
      for (const m of members) {
        out.push({ ...m.finding, checks: [m.check], merged_ids: [m.finding.id] });
      }
    } else {
      out.push(merge(members, checks));
    }
  }
  return bySeverity(out) as DiagnosedFinding[];
}

function merge(members: readonly SourcedFinding[], checks: CheckName[]): DiagnosedFinding {
  const leadCheck = LEAD_ORDER.find((c) => checks.includes(c))!;
  const lead = members.find((m) => m.check === leadCheck)!.finding;
  const severity = members.reduce<Severity>(
    (worst, m) => rank[m.finding.severity] > rank[worst] ? m.finding.severity : worst,
    "info",
  );
  const evidence = LEAD_ORDER.filter((c) => checks.includes(c)).map((c) =>
    `${EVIDENCE_LABELS[c]}: ` +
    members.filter((m) => m.check === c).map((m) => m.finding.evidence.trim()).join(" ")
  ).join(" ");
  const remedies = mergeRemedies(
    REMEDY_ORDER.flatMap((c) =>
      members.filter((m) => m.check === c).map((m) => ({
        source: `${c}/${m.finding.id}`,
        remedies: m.finding.remedies,
      }))
    ),
  );
  // A measured alternative ("Or: …", info) that the configuration confirms is no longer an aside.
  const title = lead.title.startsWith("Or: ") && rank[severity] > rank[lead.severity]
    ? lead.title[4].toUpperCase() + lead.title.slice(5)
    : lead.title;
  const ids = [lead.id, ...members.map((m) => m.finding.id).filter((id) => id !== lead.id)];
  return {
    id: lead.id,
    severity,
    title,
    evidence,
    remedies,
    checks,
    merged_ids: [...new Set(ids)],
  };
}
