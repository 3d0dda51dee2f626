/** Will a contrastive (InfoNCE) loss overflow: stages, trajectory forecast, embeddings, findings. */
export * from "./precision.ts";
export * from "./scaling.ts";
export * from "./stage_analysis.ts";
export * from "./loss_bounds.ts";
export * from "./dropout_views.ts";
export * from "./growth_fit.ts";
export * from "./trajectory_analysis.ts";
export * from "./embeddings_loss.ts";
export * from "./format_number.ts";
export * from "./contrastive_findings.ts";
export * from "./contrastive_summary.ts";
export * from "./check_contrastive_stability.ts";
