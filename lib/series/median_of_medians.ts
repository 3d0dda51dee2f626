import { rollingMedian } from "./rolling_median.ts";

/**
 * A fast robust trend: at every point, the median of the medians of five runs of five points.
 *
 * Why: the exact rolling median of 25 points costs a sorted window and a binary search per
 * point, the largest single cost of analysing a 10⁶-point series. The median of the medians of
 * five disjoint groups of five (Blum, Floyd, Pratt, Rivest & Tarjan 1973, the pivot of linear
 * selection; Tukey's "ninther" is its 3 × 3 form) is guaranteed to lie between the 9th and the
 * 17th of the 25 values in order — between their 36th and 68th percentiles — so, like the
 * median, it ignores up to 8 spikes in its window and keeps a step edge sharp. It costs a
 * fixed handful of comparisons per point, with no data movement.
 *
 * Groups are centred on i − 10, i − 5, i, i + 5, i + 10 (each spans ±2). Near the ends,
 * where a group would leave the series, the exact median of the points that exist is used.
 *
 * Cost: O(n), about 20 comparisons per point. Input must be finite.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rollingMedianOfMedians } from "./median_of_medians.ts";
 * const trend = rollingMedianOfMedians(new Float64Array(100).fill(1).fill(9, 50, 51));
 * assertEquals(trend[50], 1); // the spike is ignored
 * const step = rollingMedianOfMedians(new Float64Array(100).fill(0).fill(1, 50));
 * assertEquals([step[49], step[50]], [0, 1]); // the edge stays sharp
 * ```
 */
export function rollingMedianOfMedians(x: Float64Array): Float64Array {
  const n = x.length;
  if (n < 25) return rollingMedian(x, Math.max(0, Math.min(12, (n - 1) >> 1)));
  const five = new Float64Array(n);
  for (let i = 2; i < n - 2; i++) {
    five[i] = median5(x[i - 2], x[i - 1], x[i], x[i + 1], x[i + 2]);
  }
  const out = new Float64Array(n);
  for (let i = 12; i < n - 12; i++) {
    out[i] = median5(five[i - 10], five[i - 5], five[i], five[i + 5], five[i + 10]);
  }
  // The 12 points at each end: the exact median of the window that fits.
  const edges = rollingMedian(x.subarray(0, 36), 12);
  out.set(edges.subarray(0, 12), 0);
  const tail = rollingMedian(x.subarray(n - 36), 12);
  out.set(tail.subarray(24), n - 12);
  return out;
}

/**
 * The median of five numbers in six comparisons at most (no allocation).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { median5 } from "./median_of_medians.ts";
 * assertEquals(median5(5, 1, 4, 2, 3), 3);
 * assertEquals(median5(2, 2, 9, 2, 0), 2);
 * ```
 */
export function median5(a: number, b: number, c: number, d: number, e: number): number {
  let t: number;
  if (a > b) (t = a, a = b, b = t);
  if (c > d) (t = c, c = d, d = t);
  // Drop the smallest of {a, c}: it has three values above it.
  if (a < c) {
    a = e;
    if (a > b) (t = a, a = b, b = t);
  } else {
    c = e;
    if (c > d) (t = c, c = d, d = t);
  }
  // The median is the larger of the two pair minimums if it is below the other pair's max.
  if (a < c) return b < c ? b : c;
  return d < a ? d : a;
}
