/**
 * Mean of each block of `factor` points: a series shrunk by a whole factor.
 *
 * Why: windows of `log_every` steps logged as one point are exactly this (the benchmark's
 * curves are built with it); the period search reduces its own signals in one fused pass
 * (`../period/fold_signals.ts`). A last, partial block is averaged like the others.
 *
 * Cost: O(n). `factor` 1 returns a copy.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { blockMean } from "./decimate.ts";
 * assertEquals([...blockMean(new Float64Array([0, 6, 0, -1, -7, 2]), 3)], [2, -2]);
 * assertEquals([...blockMean(new Float64Array([0, 6, 0, -1, -7]), 3)], [2, -4]); // partial block
 * ```
 */
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
