/**
 * How much a finding matters: `critical` loses training runs, `warning` costs quality or time,
 * `info` explains what the curve shows without anything to fix.
 */
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

/**
 * A finding: one thing the analysis found, how bad it is, the numbers behind it, and the fixes.
 *
 * Every answer of the service carries a list of findings; clients (training scripts, chat bots)
 * switch on `id`, which comes from a fixed vocabulary ({@linkcode FINDING_IDS}), so a new
 * wording of a title never breaks a client. `evidence` states measured numbers; each remedy is a
 * concrete change to make.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { type Finding, FINDING_IDS } from "./finding.ts";
 * const finding: Finding = {
 *   id: "partial-last-batch",
 *   severity: "warning",
 *   title: "The last batch of each epoch is partial",
 *   evidence: "50000 samples in batches of 64: the last batch has 16.",
 *   remedies: ["Pass drop_last=True to the DataLoader."],
 * };
 * assert(FINDING_IDS.includes(finding.id));
 * ```
 */
export interface Finding {
  /** What was found, from the fixed vocabulary: the field clients switch on. */
  id: FindingId;
  /** How much it matters. */
  severity: Severity;
  /** One line for a person; its wording may change between versions. */
  title: string;
  /** The measured numbers behind the finding. */
  evidence: string;
  /** Concrete changes to make, most effective first. */
  remedies: string[];
}

const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Sorts findings most severe first; the sort is stable, so findings of equal severity keep the
 * order the analysis raised them in (its most specific first).
 *
 * Cost O(n log n); the input is not changed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bySeverity, type Finding } from "./finding.ts";
 * const found = (id: Finding["id"], severity: Finding["severity"]): Finding =>
 *   ({ id, severity, title: id, evidence: "", remedies: [] });
 * const sorted = bySeverity([
 *   found("periodic-spikes", "info"),
 *   found("non-finite-loss", "critical"),
 *   found("last-batch-spike", "warning"),
 *   found("rising-loss", "critical"),
 * ]);
 * assertEquals(sorted.map((f) => f.id), [
 *   "non-finite-loss", "rising-loss", "last-batch-spike", "periodic-spikes",
 * ]);
 * ```
 */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
}
