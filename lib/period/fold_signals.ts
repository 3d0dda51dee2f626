/**
 * The signals the period search folds, reduced in blocks for the autocorrelation.
 *
 * Why: the autocorrelation of a 10⁶-point series by FFT costs more than parsing it, but a
 * period is found as well on blocks of b points as long as each block keeps what matters:
 * the spike signal keeps each block's most extreme value, the shape signal its mean, and the
 * noise signal the mean of ln |Δy| (whose profile repeats when the loss is a running mean that
 * restarts every epoch).
 *
 * Cost: O(n) each.
 *
 * @example
 * ```ts
 * reduceSignals(z, 31).spikes.length; // ⌈n / 31⌉
 * ```
 */
import { foldShape, type ShapeFold } from "./shape_fold.ts";
/**
 * The autocorrelation's two inputs in one pass over z, reduced by `factor`: the spike signal
 * (|z| beyond 2.5, capped at 6 above it, so one huge spike cannot outweigh a train of ordinary
 * ones; each block keeps its most extreme value) and the shape signal (z clipped to ±4, each
 * block's mean).
 */
export function reduceSignals(
  z: Float64Array,
  factor: number,
): { spikes: Float64Array; shape: Float64Array } {
  const length = Math.ceil(z.length / factor);
  const spikes = new Float64Array(length), shape = new Float64Array(length);
  for (let b = 0, i = 0; b < length; b++) {
    let extreme = 0, sum = 0;
    const start = i;
    for (const end = Math.min(z.length, i + factor); i < end; i++) {
      const v = z[i], a = Math.abs(v);
      const soft = a > 2.5 ? Math.min(a - 2.5, 6) : 0;
      if (soft > Math.abs(extreme)) extreme = v > 0 ? soft : -soft;
      sum += v > 4 ? 4 : v < -4 ? -4 : v;
    }
    spikes[b] = extreme;
    shape[b] = sum / (i - start);
  }
  return { spikes, shape };
}

/** ln |Δy| of the series, each block of `factor` points reduced to its mean. */
export function noiseSignal(values: Float64Array, factor: number): Float64Array {
  const length = Math.ceil(values.length / factor);
  const changes = new Float64Array(length);
  for (let b = 0, i = 0; b < length; b++) {
    let change = 0;
    const start = i;
    for (const end = Math.min(values.length, i + factor); i < end; i++) {
      change += Math.log(Math.abs(values[i] - values[i > 0 ? i - 1 : i]) + 1e-12);
    }
    changes[b] = change / (i - start);
  }
  return changes;
}

/**
 * The better of two shape folds: of the clipped z-scores (a repeating level profile), or of
 * ln |Δy| (a repeating noise profile: a running mean's changes shrink as 1/k within each cycle;
 * only for cycles of 8 points or more, where such a profile can be told from noise).
 */
export function bestShape(
  shape: Float64Array,
  changes: Float64Array,
  finite: Uint8Array,
  period: number,
): ShapeFold {
  const level = foldShape(shape, finite, period);
  if (period < 8) return level;
  const noise = foldShape(changes, finite, period);
  return noise.z > level.z ? noise : level;
}
