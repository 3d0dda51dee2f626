/** Series primitives: FFT, autocorrelation, rolling and block statistics. */
export * from "./fft.ts";
export * from "./autocorrelation.ts";
export * from "./autocorrelation_at.ts";
export * from "./rolling_median.ts";
export * from "./local_scale.ts";
export * from "./decimate.ts";
export * from "./fill_non_finite.ts";
export * from "./median_of_medians.ts";
export * from "./extremes.ts";
export * from "./quantum.ts";
export * from "./student_t.ts";
