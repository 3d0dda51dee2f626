/**
 * One diagnosis from every check the inputs allow: findings merged across checks, a summary, a
 * plot.
 *
 * @module
 */
export * from "./types.ts";
export * from "./diagnose.ts";
export * from "./merge_findings.ts";
export * from "./merge_remedies.ts";
export * from "./last_batch_agreement.ts";
export * from "./diagnose_summary.ts";
export * from "./spike_plot.ts";
// The finding types the answers carry, so that this module documents them too; the checks' own
// answer types are documented by their modules (batch, spikes, contrastive).
export { type Finding, FINDING_IDS, type FindingId, type Severity } from "../findings/mod.ts";
