import { mean, sampleStandardDeviation } from "simple-statistics";
import { studentTwoSidedTail } from "../series/mod.ts";

/** The tuning of the test, each with why. */
export const RATIO_TEST = {
  /** Epochs needed: two give a spread with one degree of freedom, too loose to bound. */
  minEpochs: 3,
  /** Two-sided level: a reduction named from noise costs a person a wrong fix; 1 in 100. */
  alpha: 0.01,
  /** Largest spread of the log ratios, as a share of their mean's distance from 0. */
  maxSpread: 0.5,
} as const;

/** The verdict on the per-epoch ratios. */
export interface RatioSignificance {
  /** The epochs with a positive finite ratio. */
  epochs: number;
  /** Mean of ln(ratio) over the epochs. */
  mean_log: number;
  /** Sample standard deviation of ln(ratio) over the epochs (0 below 3 epochs). */
  sd_log: number;
  /** Two-sided p of the t test that the mean log ratio is 0 (1 below 3 epochs). */
  p_value: number;
  /** Whether the ratios are significantly away from 1 and consistent. */
  significant: boolean;
}

/**
 * Is a measured last-batch ratio a property of the run, or noise around 1? The verdict on the
 * per-epoch ratios `ratios`: the test that licenses inferring a loss reduction from them.
 *
 * Why: the ratio loss(last step) ÷ median(the 10 steps before) varies from epoch to epoch; a median
 * of 1.26 whose epochs range from 0.60 to 2.10 is the noise of single steps, and reading a
 * reduction (and its framework-specific advice) into it sends a person chasing a bug they do not
 * have. A reduction leaves the same factor every epoch, (r/B)^(1−k), so the per-epoch log ratios
 * must be
 * - **away from 0**: a one-sample t test of their mean, two-sided, p ≤ 0.01 (Student's t with
 *   n − 1 degrees of freedom: a handful of epochs is the usual case, and the normal would
 *   overstate them);
 * - **consistent**: their standard deviation at most half their mean's distance from 0 — the
 *   spread bound that keeps a few wild epochs from passing on the strength of many (with
 *   n = 30, t alone passes a mean of 0.2 with a spread of 0.5);
 * - from **3 epochs or more** (below, no spread is measured).
 * The real runs of tests/fixtures/pytorch pass by far: 4.03× (3.46–4.70 over 10 epochs: log
 * ratios 1.39 ± 0.10) and 0.251× (0.22–0.27).
 *
 * Cost: O(n) for n epochs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ratioSignificance } from "./ratio_significance.ts";
 * // The Keras-SSD run: 4.03× over 10 epochs.
 * const run = ratioSignificance([4.05, 3.83, 4.70, 4.35, 4.00, 3.49, 3.56, 3.46, 4.58, 4.06]);
 * assertEquals([run.epochs, run.significant], [10, true]);
 * // A median of 1.26 that ranges 0.6–2.1 is noise:
 * const noise = ratioSignificance([0.6, 1.3, 2.1, 0.9, 1.26, 1.8, 0.7, 1.5]);
 * assertEquals(noise.significant, false);
 * assertEquals(ratioSignificance([4, 4]).p_value, 1); // two epochs: no verdict
 * ```
 */
export function ratioSignificance(ratios: readonly number[]): RatioSignificance {
  const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map(Math.log);
  const n = logs.length;
  if (n < RATIO_TEST.minEpochs) {
    return {
      epochs: n,
      mean_log: n > 0 ? mean(logs) : 0,
      sd_log: 0,
      p_value: 1,
      significant: false,
    };
  }
  const m = mean(logs), sd = sampleStandardDeviation(logs);
  const t = sd > 0 ? m / (sd / Math.sqrt(n)) : m === 0 ? 0 : Infinity * Math.sign(m);
  const p = studentTwoSidedTail(t, n - 1);
  return {
    epochs: n,
    mean_log: m,
    sd_log: sd,
    p_value: p,
    significant: p <= RATIO_TEST.alpha && sd <= RATIO_TEST.maxSpread * Math.abs(m),
  };
}
