/** Spike analysis: robust residuals, spikes, period, epoch alignment, findings. */
export * from "./analyze_spikes.ts";
export * from "./types.ts";
export * from "./residuals.ts";
export { type Extreme, extremes, positionsOf, sizesOf } from "../series/mod.ts";
export * from "./boundary_ratios.ts";
export * from "./epoch_layout.ts";
export * from "./step_axis.ts";
export * from "./rising_trend.ts";
export * from "./running_mean_signature.ts";
export * from "./level_shifts.ts";
export * from "./regular_grid.ts";
export * from "./boundary_shape.ts";
export * from "./eval_trend.ts";
export * from "./overfitting.ts";
export * from "./schedule_events.ts";
