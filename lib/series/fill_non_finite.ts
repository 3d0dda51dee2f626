/** A series with its non-finite points filled, and where they were. */
export interface Filled {
  /** The series with every non-finite point replaced. */
  filled: Float64Array;
  /** 1 where the original point was finite. */
  finite: Uint8Array;
  /** How many points were not finite. */
  count: number;
  /** Index of the first non-finite point, or -1. */
  first: number;
}

/**
 * Counts the non-finite points of a series and fills them with the nearest finite value before.
 *
 * Why: a NaN or ±Inf loss is data (the run diverged at that step), not an error, but it cannot
 * enter a median or an FFT. Filling by the previous finite value (the next one for leading
 * gaps) keeps the trend continuous and adds no spike; the caller excludes the filled points
 * from every statistic through the returned mask.
 *
 * Cost: O(n). A series with no finite value is filled with zeros.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fillNonFinite } from "./fill_non_finite.ts";
 * const { filled, finite, count, first } = fillNonFinite(new Float64Array([NaN, 2, Infinity, 4]));
 * assertEquals([...filled], [2, 2, 2, 4]); // the leading gap from the next finite value
 * assertEquals([...finite], [0, 1, 0, 1]);
 * assertEquals([count, first], [2, 0]);
 * ```
 */
export function fillNonFinite(x: Float64Array): Filled {
  const n = x.length;
  const filled = new Float64Array(n), finite = new Uint8Array(n);
  let count = 0, first = -1, last = NaN;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      finite[i] = 1;
      filled[i] = last = v;
    } else {
      count++;
      if (first < 0) first = i;
      filled[i] = last;
    }
  }
  // Leading gap: fill backwards from the first finite value (or 0 when there is none).
  let i = 0;
  while (i < n && !finite[i]) i++;
  const lead = i < n ? x[i] : 0;
  for (let j = 0; j < i; j++) filled[j] = lead;
  return { filled, finite, count, first };
}
