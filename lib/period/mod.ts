/** Period detection: autocorrelation proposals judged by fold tests. */
export * from "./find_period.ts";
export * from "./acf_peaks.ts";
export * from "./event_fold.ts";
export * from "./shape_fold.ts";
export * from "./binomial_tail.ts";
export * from "./circular.ts";
export * from "./fold_signals.ts";
export * from "./cycle_checks.ts";
export * from "./shape_fundamental.ts";
export * from "./occupancy_tail.ts";
export * from "./tuning.ts";
export * from "./normal_tail.ts";
export * from "./seasonal_fold.ts";
