/**
 * The last-batch model: how the epoch splits into batches, how the loss reduction scales the loss
 * and gradient of a smaller batch, what gradient accumulation and the optimizer make of it, and the
 * inverse (which reduction explains a measured spike). Results use the wire names (snake_case) so
 * routes pass them through unchanged; inputs are camelCase.
 *
 * @module
 */
export * from "./reduction_scale.ts";
export * from "./epoch_layout.ts";
export * from "./sampling_noise.ts";
export * from "./grad_scale.ts";
export * from "./noise_scale.ts";
export * from "./window_grad_scale.ts";
export * from "./accumulation_weights.ts";
export * from "./optimizer_effect.ts";
export * from "./infer_reduction.ts";
export * from "./explain_measured_ratio.ts";
export * from "./last_batch.ts";
export * from "./last_batch_findings.ts";
export * from "./severity.ts";
export * from "./per_item_scale.ts";
export * from "./accumulation_normalization.ts";
export * from "./rank_weights.ts";
export * from "./loss_remedies.ts";
export * from "./last_batch_summary.ts";
export * from "./format.ts";
export * from "./ratio_significance.ts";
// The finding types the answers carry, so that this module documents its whole surface.
export { type Finding, FINDING_IDS, type FindingId, type Severity } from "../findings/mod.ts";
