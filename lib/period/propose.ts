/**
 * Proposes candidate periods from an autocorrelation: its strongest peaks, each sharpened
 * along its multiples, and their divisors.
 *
 * Why: the autocorrelation only proposes, it never decides (its argmax is a multiple of the
 * period as often as the period). Each of its `PROPOSE.peaks` highest local maxima is refined
 * by the peaks at 2P, 4P, … (`refineByMultiples`: a 0.3-point error at P is a 0.04-point error
 * at 8P), then P, P/2 and P/3 go to the judges. Proposals within 1 % of one already made are
 * dropped. Periods are in points of the full series (lags × the block factor).
 *
 * Cost: O(peaks · log(n / P)) lags summed directly beyond the transform.
 *
 * @example
 * ```ts
 * const proposals: number[] = [];
 * proposeFrom(proposals, acf, series, maxLag, 1); // proposals: [157.02, 78.51, 52.34, …]
 * ```
 */
import { autocorrelationAt } from "../series/mod.ts";
import { acfPeaks, refineByMultiples } from "./acf_peaks.ts";
import { PROPOSE } from "./tuning.ts";

/** Adds the proposals of one autocorrelation `acf` of `series` to `proposals`. */
export function proposeFrom(
  proposals: number[],
  acf: Float64Array,
  series: Float64Array,
  maxLag: number,
  factor: number,
): void {
  const far = autocorrelationAt(series);
  const at = (lag: number) => lag < acf.length ? acf[lag] : far(lag);
  for (const lag of acfPeaks(acf, PROPOSE.minLag, maxLag, PROPOSE.peaks)) {
    const period = refineByMultiples(at, lag, series.length - 2) * factor;
    for (let k = 1; k <= PROPOSE.divisors; k++) addProposal(proposals, period / k);
  }
}

/** Adds `period` unless it is below 2 points or within 1 % of a proposal already made. */
export function addProposal(proposals: number[], period: number): void {
  if (!(period >= 2)) return;
  if (proposals.some((p) => Math.abs(p - period) <= PROPOSE.sameProposal * period)) return;
  proposals.push(period);
}
