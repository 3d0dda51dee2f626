/**
 * Tests whether a periodic series is a running mean restarted every cycle.
 *
 * Why: Keras (and many hand-written loops) log the mean loss since the epoch began, not the
 * loss of the step. That curve is a saw-tooth whose noise shrinks within each epoch: the k-th
 * point averages k batches, so consecutive points differ by about σ/k — large just after each
 * reset, tiny at the end. Folding |Δy| by the period finds the reset (the phase with the largest
 * mean change) and compares the changes just after it with those in the cycle's second half.
 * A plain noisy curve gives a ratio near 1; a running mean gives about P/4 for P points a cycle.
 *
 * Cost: O(n + P).
 *
 * @example
 * ```ts
 * // loss logged as the running mean of each 200-step epoch: ratio ≫ 4, reset at phase 0
 * ```
 */
export interface RunningMeanSignature {
  /** Phase (points) where the cycle restarts. */
  resetPhase: number;
  /** Mean |Δy| just after the reset over that in the cycle's second half. */
  ratio: number;
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
  const early = Math.max(2, Math.round(0.05 * bins));
  let earlySum = 0;
  for (let j = 1; j <= early; j++) earlySum += mean(reset + j);
  let lateSum = 0, lateCount = 0;
  for (let j = Math.ceil(bins / 2); j < bins; j++) {
    lateSum += mean(reset + j);
    lateCount++;
  }
  const late = lateCount > 0 ? lateSum / lateCount : 0;
  return { resetPhase: reset, ratio: late > 0 ? earlySum / early / late : 0 };
}
