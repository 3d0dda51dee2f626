import { autocorrelationAt } from "../series/mod.ts";
import { acfPeaks, refineByMultiples } from "./acf_peaks.ts";
import { PROPOSE } from "./tuning.ts";

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
 * Adds the proposals of one autocorrelation `acf` of `series` to `proposals`.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { autocorrelation2 } from "../series/mod.ts";
 * import { proposeFrom } from "./propose.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * const series = Float64Array.from({ length: 1000 }, (_, i) => i % 50 === 17 ? 8 : noise());
 * const [acf] = autocorrelation2(series, new Float64Array(1000), 333);
 * const proposals: number[] = [];
 * proposeFrom(proposals, acf, series, 333, 1);
 * assertAlmostEquals(proposals[0], 50, 1e-3); // the peak, then its divisors P/2, P/3
 * assertEquals(proposals.slice(1, 3).map(Math.round), [25, 17]);
 * ```
 */
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

/**
 * Adds `period` unless it is below 2 points or within 1 % of a proposal already made.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { addProposal } from "./propose.ts";
 * const proposals = [50];
 * addProposal(proposals, 50.2); // within 1 %
 * addProposal(proposals, 1.5); // below 2 points
 * addProposal(proposals, 75);
 * assertEquals(proposals, [50, 75]);
 * ```
 */
export function addProposal(proposals: number[], period: number): void {
  if (!(period >= 2)) return;
  if (proposals.some((p) => Math.abs(p - period) <= PROPOSE.sameProposal * period)) return;
  proposals.push(period);
}
