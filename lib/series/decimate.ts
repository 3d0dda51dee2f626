/**
 * Shrinks a series by a whole factor, keeping what matters for finding a period.
 *
 * Why: the autocorrelation of a 10⁶-point series by FFT costs more than parsing it; its period,
 * though, is found as well on blocks of b points, as long as a one-point spike survives the
 * reduction. `blockExtreme` keeps each block's value of largest magnitude (with its sign), so
 * spikes survive; `blockMean` keeps slow shapes (saw-tooth, repeating profiles).
 *
 * Cost: O(n). A last, partial block is reduced like the others. `factor` 1 returns a copy.
 *
 * @example
 * ```ts
 * blockExtreme(new Float64Array([0, 5, 0, -1, -7, 2]), 3); // [5, -7]
 * ```
 */
export function blockExtreme(x: Float64Array, factor: number): Float64Array {
  checkFactor(factor);
  const out = new Float64Array(Math.ceil(x.length / factor));
  for (let b = 0, i = 0; b < out.length; b++) {
    let best = 0;
    for (const end = Math.min(x.length, i + factor); i < end; i++) {
      if (Math.abs(x[i]) > Math.abs(best)) best = x[i];
    }
    out[b] = best;
  }
  return out;
}

/** Mean of each block of `factor` points (see {@linkcode blockExtreme}). */
export function blockMean(x: Float64Array, factor: number): Float64Array {
  checkFactor(factor);
  const out = new Float64Array(Math.ceil(x.length / factor));
  for (let b = 0, i = 0; b < out.length; b++) {
    let sum = 0;
    const start = i;
    for (const end = Math.min(x.length, i + factor); i < end; i++) sum += x[i];
    out[b] = sum / (i - start);
  }
  return out;
}

function checkFactor(factor: number): void {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`expected a whole decimation factor ≥ 1, found ${factor}`);
  }
}
