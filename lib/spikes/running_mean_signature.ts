/**
 * Tests whether a periodic series is a running mean restarted every cycle.
 *
 * Why: Keras (and many hand-written loops) log the mean loss since the epoch began, not the
 * loss of the step. That curve's noise shrinks within each epoch: the j-th point averages j
 * batches, so consecutive points differ by about σ/j. Folding |Δy| by the period finds the
 * reset (the phase with the largest mean change), and the slope of ln(mean |Δy|) against
 * ln(j) from an eighth of the cycle to its end measures the decay: about −1 for a running
 * mean, about 0 for a curve of per-step losses — even one with a spike and a momentum tail
 * every cycle, whose changes are large for the first steps only.
 *
 * Cost: O(n + P).
 *
 * @example
 * ```ts
 * // loss logged as the running mean of each 200-step epoch: slope ≈ −1, reset at phase 0
 * ```
 */
import { linearRegression } from "simple-statistics";

export interface RunningMeanSignature {
  /** Phase (points) where the cycle restarts. */
  resetPhase: number;
  /** Slope of ln(mean |Δy|) against ln(points since the reset). */
  slope: number;
  /** Whether the slope says running mean (≤ −0.35). */
  runningMean: boolean;
}

export function runningMeanSignature(
  y: Float64Array,
  finite: Uint8Array,
  period: number,
): RunningMeanSignature {
  const bins = Math.ceil(period);
  const sums = new Float64Array(bins), counts = new Float64Array(bins);
  for (let i = 1; i < y.length; i++) {
    if (!finite[i] || !finite[i - 1]) continue;
    const bin = Math.min(bins - 1, Math.floor(i % period));
    sums[bin] += Math.abs(y[i] - y[i - 1]);
    counts[bin]++;
  }
  const mean = (b: number) => {
    const k = ((b % bins) + bins) % bins;
    return counts[k] > 0 ? sums[k] / counts[k] : 0;
  };
  let reset = 0;
  for (let b = 1; b < bins; b++) if (mean(b) > mean(reset)) reset = b;
  const points: [number, number][] = [];
  // From an eighth of the cycle on: a spike's momentum tail has died out there, while a running
  // mean's changes keep shrinking as 1/j to the end of the cycle.
  for (let j = Math.max(2, Math.floor(bins / 8)); j < bins; j++) {
    const m = mean(reset + j);
    if (m > 0) points.push([Math.log(j), Math.log(m)]);
  }
  const slope = points.length >= 4 ? linearRegression(points).m : 0;
  return { resetPhase: reset, slope, runningMean: slope <= -0.35 };
}
