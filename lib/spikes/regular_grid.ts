/** A series put on a regular grid of steps (see {@linkcode regularGrid}). */
export interface RegularGrid {
  /** The loss on the grid (NaN where no row was logged). */
  loss: Float64Array;
  /** The step of every grid point. */
  steps: Float64Array;
  /** For every grid point, the index of its row in the original series (−1 for a gap). */
  index: Int32Array;
}

/**
 * Puts a series whose `steps` have gaps back on a regular grid of steps, the gaps as NaN.
 *
 * Why: a period is a number of steps, but the fold tests and the autocorrelation count points.
 * When rows are missing (an exported TensorBoard CSV with holes, a run resumed from an older
 * checkpoint), every gap shifts all later points: a spike every 157 steps sits 157 points apart
 * before the gap and fewer after it, and no fold over the whole series finds it. On a grid of
 * the median stride the missing rows become missing points, which every statistic already
 * leaves out, and points are steps again.
 *
 * Returns null when there is nothing to do: no gap, steps that are not on one grid (two rows
 * rounding to one grid point), or a grid more than twice as long as the series (mostly gap).
 *
 * Cost: O(n + grid).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { regularGrid } from "./regular_grid.ts";
 * // rows at steps 0, 10 and 30 of a run logged every 10 steps: step 20 is missing
 * const grid = regularGrid(new Float64Array([1, 2, 4]), new Float64Array([0, 10, 30]), 10);
 * assertEquals([...grid!.loss], [1, 2, NaN, 4]);
 * assertEquals([...grid!.index], [0, 1, -1, 2]);
 * ```
 */
export function regularGrid(
  loss: Float64Array,
  steps: Float64Array,
  stride: number,
): RegularGrid | null {
  const n = loss.length;
  if (n < 2 || !(stride > 0)) return null;
  const first = steps[0];
  const length = Math.round((steps[n - 1] - first) / stride) + 1;
  if (length <= n || length > 2 * n) return null;
  const index = new Int32Array(length).fill(-1);
  for (let i = 0; i < n; i++) {
    const at = (steps[i] - first) / stride;
    const g = Math.round(at);
    if (Math.abs(at - g) > 0.25 || index[g] >= 0) return null;
    index[g] = i;
  }
  const gridded = new Float64Array(length).fill(NaN);
  const gridSteps = new Float64Array(length);
  for (let g = 0; g < length; g++) {
    gridSteps[g] = first + g * stride;
    if (index[g] >= 0) gridded[g] = loss[index[g]];
  }
  return { loss: gridded, steps: gridSteps, index };
}
