/**
 * Log-sum-exp, softmax, log-softmax and InfoNCE, evaluated op by op in a floating-point format.
 *
 * @module
 */
export * from "./op_evaluator.ts";
export * from "./naive_log_sum_exp.ts";
export * from "./stable_log_sum_exp.ts";
export * from "./online_log_sum_exp.ts";
export * from "./log_sum_exp.ts";
export * from "./softmax.ts";
export * from "./log_softmax.ts";
export * from "./info_nce_loss.ts";
export * from "./reference_log_sum_exp.ts";
export * from "./compare_log_sum_exp.ts";
// The fp types these functions take, so that this module documents its whole surface.
export type { Format, Semantics } from "../fp/mod.ts";
