import { foldShape, type ShapeFold } from "./shape_fold.ts";
import { PROPOSE } from "./tuning.ts";
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
 * import { assertEquals } from "@std/assert";
 * import { reduceSignals } from "./fold_signals.ts";
 * const { spikes, shape } = reduceSignals(new Float64Array(1000), 31);
 * assertEquals([spikes.length, shape.length], [33, 33]); // ⌈1000 / 31⌉ blocks
 * ```
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
      const soft = a > PROPOSE.spikeFloor ? Math.min(a - PROPOSE.spikeFloor, PROPOSE.spikeCap) : 0;
      if (soft > Math.abs(extreme)) extreme = v > 0 ? soft : -soft;
      const clip = PROPOSE.shapeClip;
      sum += v > clip ? clip : v < -clip ? -clip : v;
    }
    spikes[b] = extreme;
    shape[b] = sum / (i - start);
  }
  return { spikes, shape };
}

/**
 * ln |Δy| of the series, each block of `factor` points reduced to its mean. Changes into or out
 * of a missing point are left out (a filled gap is flat, and ln 0 would dominate); a block with
 * none left takes the mean of the others.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { noiseSignal } from "./fold_signals.ts";
 * // ln |Δy| at each point: the changes 1, 2, 4 are 0, ln 2, ln 4
 * const signal = noiseSignal(Float64Array.from([1, 2, 4, 8]), 1);
 * assertAlmostEquals(signal[2], Math.log(2), 1e-12);
 * assertAlmostEquals(signal[3], Math.log(4), 1e-12);
 * ```
 */
export function noiseSignal(
  values: Float64Array,
  factor: number,
  finite?: Uint8Array,
): Float64Array {
  const length = Math.ceil(values.length / factor);
  const changes = new Float64Array(length);
  const empty: number[] = [];
  let total = 0, blocks = 0;
  for (let b = 0, i = 0; b < length; b++) {
    let change = 0, count = 0;
    for (const end = Math.min(values.length, i + factor); i < end; i++) {
      const j = i > 0 ? i - 1 : i;
      if (finite && (!finite[i] || !finite[j])) continue;
      change += Math.log(Math.abs(values[i] - values[j]) + PROPOSE.changeFloor);
      count++;
    }
    if (count === 0) {
      empty.push(b);
      continue;
    }
    changes[b] = change / count;
    total += changes[b];
    blocks++;
  }
  for (const b of empty) changes[b] = blocks > 0 ? total / blocks : 0;
  return changes;
}

/**
 * 1 for every block of `factor` points holding at least one finite point.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { finiteBlocks } from "./fold_signals.ts";
 * assertEquals([...finiteBlocks(Uint8Array.from([1, 1, 0, 0, 1, 0]), 2)], [1, 0, 1]);
 * ```
 */
export function finiteBlocks(finite: Uint8Array, factor: number): Uint8Array {
  if (factor <= 1) return finite;
  const length = Math.ceil(finite.length / factor);
  const blocks = new Uint8Array(length);
  for (let i = 0; i < finite.length; i++) if (finite[i]) blocks[Math.floor(i / factor)] = 1;
  return blocks;
}

/**
 * The better of two shape folds: of the clipped z-scores (a repeating level profile), or of
 * ln |Δy| (a repeating noise profile: a running mean's changes shrink as 1/k within each cycle;
 * only for cycles of 4 points or more, where such a profile can be told from noise).
 */
export function bestShape(
  shape: Float64Array,
  changes: Float64Array,
  finite: Uint8Array,
  period: number,
): ShapeFold {
  const level = foldShape(shape, finite, period);
  if (period < PROPOSE.noiseMinPeriod) return level;
  const noise = foldShape(changes, finite, period);
  return noise.z > level.z ? noise : level;
}
