/** One diagnosis from every check the inputs allow: findings merged across checks, a summary, a plot. */
export * from "./types.ts";
export * from "./diagnose.ts";
export * from "./merge_findings.ts";
export * from "./merge_remedies.ts";
export * from "./last_batch_agreement.ts";
export * from "./diagnose_summary.ts";
export * from "./spike_plot.ts";
