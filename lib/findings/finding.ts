/**
 * A finding: one thing the analysis found, how bad it is, the numbers behind it, and the fixes.
 *
 * Every answer of the service carries a list of findings; clients (training scripts, chat bots)
 * switch on `id`, which comes from a fixed vocabulary ({@linkcode FINDING_IDS}), so a new
 * wording of a title never breaks a client.
 */

/** How much a finding matters: `critical` loses training runs, `warning` costs quality or time. */
export type Severity = "info" | "warning" | "critical";

/** The fixed vocabulary of finding ids, grouped by the analysis that raises them. */
export const FINDING_IDS = [
  // spikes
  "last-batch-spike",
  "last-batch-dip",
  "epoch-start-spike",
  "epoch-start-drop",
  "epoch-average-logging",
  "unshuffled-data",
  "periodic-spikes",
  "isolated-spikes",
  "non-finite-loss",
  "rising-loss",
  "divergence",
  "transient-instability",
  "overfitting",
  // last batch
  "batch-size-dependent-loss",
  "partial-last-batch",
  "grad-accum-normalization",
  "ddp-padding-duplicates",
  "uneven-rank-mean",
  "batch-norm-small-batch",
  // contrastive
  "no-l2-normalization",
  "logit-overflow",
  "naive-softmax-overflow",
  "temperature-too-low",
  "norm-growth",
  "dropout-too-strong",
  "logit-scale-unclamped",
  "nan-without-overflow",
  "zero-norm-embedding",
  "empty-positive-set",
  "mask-sentinel-overflow",
] as const;

/** One id of {@linkcode FINDING_IDS}. */
export type FindingId = typeof FINDING_IDS[number];

/** One finding. `evidence` states measured numbers; each remedy is a concrete change to make. */
export interface Finding {
  id: FindingId;
  severity: Severity;
  title: string;
  evidence: string;
  remedies: string[];
}

const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Sorts findings most severe first; the sort is stable, so findings of equal severity keep the
 * order the analysis raised them in (its most specific first).
 *
 * @example
 * ```ts
 * bySeverity([{ severity: "info" }, { severity: "critical" }] as Finding[])[0].severity; // "critical"
 * ```
 */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
}
