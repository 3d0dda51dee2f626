/**
 * Will a contrastive loss overflow or go NaN: stages, trajectory forecast, embeddings, findings.
 *
 * @module
 */
export * from "./precision.ts";
export * from "./scaling.ts";
export * from "./scale_words.ts";
export * from "./loss_kind.ts";
export * from "./stage_types.ts";
export * from "./overflow_statement.ts";
export * from "./stage_analysis.ts";
export * from "./loss_bounds.ts";
export * from "./dropout_views.ts";
export * from "./rank_trend.ts";
export * from "./growth_fit.ts";
export * from "./overflow_forecast.ts";
export * from "./forecast_choice.ts";
export * from "./trajectory_analysis.ts";
export * from "./normalization.ts";
export * from "./supervised_mask.ts";
export * from "./mask_fill.ts";
export * from "./nan_origin.ts";
export * from "./embeddings_loss.ts";
export * from "./format_number.ts";
export * from "./remedies.ts";
export * from "./finding_context.ts";
export * from "./overflow_findings.ts";
export * from "./forward_findings.ts";
export * from "./scale_findings.ts";
export * from "./nan_findings.ts";
export * from "./training_findings.ts";
export * from "./contrastive_findings.ts";
export * from "./contrastive_summary.ts";
export * from "./contrastive_request.ts";
export * from "./stage_source.ts";
export * from "./contrastive_report.ts";
export * from "./check_contrastive_stability.ts";
// The fp, lse and finding types these functions take and answer, so that this module documents
// its whole surface.
export type { Format, Semantics } from "../fp/mod.ts";
export type { Stage } from "../lse/mod.ts";
export { type Finding, FINDING_IDS, type FindingId, type Severity } from "../findings/mod.ts";
