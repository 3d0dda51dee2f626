/**
 * Which points of a long series to draw so that the picture is the same as drawing them all: the
 * indices to keep, ascending, for `buckets` pixel columns.
 *
 * This is M4 aggregation (Jugel, Jerzak, Hackenbroich, Markl, "M4: A Visualization-Oriented Time
 * Series Data Aggregation", VLDB 2014): for each pixel column keep the first, last, smallest and
 * largest point; a line through those is pixel-identical to a line through every point. On top of
 * M4 it keeps the first and last non-finite point of each column (so the renderer can break the line
 * and mark them on the axis) and every index in `keep` (the spikes: two spikes in one column would
 * otherwise lose all but the taller one's marker).
 *
 * Cost: O(n) time, O(buckets) extra memory, plus O(k log k) to sort the k ≤ 6·buckets + keep.length
 * kept indices. Columns are cut by x value (`x` need not be evenly spaced); a series of at most
 * 4·buckets points is returned whole. Edge cases: empty input gives `[]`; x must be finite
 * (RangeError otherwise); y may hold NaN/±Infinity; `keep` indices out of range throw RangeError.
 *
 * @example
 * ```ts
 * import { assertEquals, assertLessOrEqual } from "@std/assert";
 * import { thinForPlot } from "./thin.ts";
 * // 10⁵ points onto 900 pixel columns: at most 6 indices a column, plus the spikes.
 * const x = Array.from({ length: 100_000 }, (_, i) => i);
 * const y = x.map((i) => Math.sin(i));
 * const kept = thinForPlot(x, y, 900, [7]);
 * assertEquals(kept.length, 3562);
 * assertLessOrEqual(kept.length, 6 * 900 + 1);
 * assertEquals(kept.includes(7), true);
 * assertEquals(thinForPlot([0, 1, 2], [1, 2, 3], 10), [0, 1, 2]); // short: every point
 * ```
 */
export function thinForPlot(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  buckets: number,
  keep: Iterable<number> = [],
): number[] {
  const n = y.length;
  if (x.length !== n) {
    throw new RangeError(`x and y must have the same length, found ${x.length} and ${n}`);
  }
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new RangeError(`buckets must be a positive integer, found ${buckets}`);
  }
  let xMin = Infinity, xMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new RangeError(`x[${i}] must be finite, found ${v}`);
    if (v < xMin) xMin = v;
    if (v > xMax) xMax = v;
  }
  const forced: number[] = [];
  for (const k of keep) {
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw new RangeError(`a kept index must be an integer in [0, ${n}), found ${k}`);
    }
    forced.push(k);
  }
  if (n <= 4 * buckets) return Array.from({ length: n }, (_, i) => i);

  // Per column: first, last, argmin, argmax of finite values, first and last non-finite.
  const slots = 6;
  const chosen = new Int32Array(buckets * slots).fill(-1);
  const span = xMax > xMin ? xMax - xMin : Infinity;
  for (let i = 0; i < n; i++) {
    // Column of x: floor(buckets · (x − min) / (max − min)); the last column includes max.
    const b = Math.min(buckets - 1, Math.floor(((x[i] - xMin) / span) * buckets)) * slots;
    const v = y[i];
    if (Number.isFinite(v)) {
      if (chosen[b] < 0) chosen[b] = i;
      chosen[b + 1] = i;
      if (chosen[b + 2] < 0 || v < y[chosen[b + 2]]) chosen[b + 2] = i;
      if (chosen[b + 3] < 0 || v > y[chosen[b + 3]]) chosen[b + 3] = i;
    } else {
      if (chosen[b + 4] < 0) chosen[b + 4] = i;
      chosen[b + 5] = i;
    }
  }
  const all = new Int32Array(chosen.length + forced.length);
  let count = 0;
  for (const i of chosen) if (i >= 0) all[count++] = i;
  for (const i of forced) all[count++] = i;
  const sorted = all.subarray(0, count).sort();
  const result: number[] = [];
  for (let j = 0; j < sorted.length; j++) {
    if (j === 0 || sorted[j] !== sorted[j - 1]) result.push(sorted[j]);
  }
  return result;
}
