/** An extreme point of the z-series. */
export interface Extreme {
  /** Its index in the series. */
  index: number;
  /** Its robust z-score. */
  z: number;
  /** Above the trend or below it. */
  direction: "up" | "down";
}

/**
 * Finds the points that stand out of their trend: local extremes of the robust z-score.
 *
 * Why: a spike is one step (or a few, with momentum) far above the trend. A point counts when
 * |z| ≥ `threshold` and it is the most extreme within ±2 points, so one spike with a tail is one
 * event, not five. The default threshold, 6 robust σ, is what the usual z-score clippers use
 * (ZClip, OLMo's skip-step); under Gaussian noise it fires about once in 10⁹ points.
 *
 * Cost: O(n). Non-finite points are never spikes (they are reported separately).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { extremes } from "./extremes.ts";
 * assertEquals(extremes(new Float64Array([0, 1, 9, 1, 0, -8, 0]), 6), [
 *   { index: 2, z: 9, direction: "up" },
 *   { index: 5, z: -8, direction: "down" },
 * ]);
 * // a spike with a tail is one event: 7 is within ±2 of the larger 9
 * assertEquals(extremes(new Float64Array([0, 9, 7, 0]), 6).length, 1);
 * ```
 */
export function extremes(z: Float64Array, threshold: number, reach = 2): Extreme[] {
  const n = z.length;
  const out: Extreme[] = [];
  for (let i = 0; i < n; i++) {
    const v = z[i];
    if (!(Math.abs(v) >= threshold)) continue;
    let isPeak = true;
    for (let j = Math.max(0, i - reach); j <= Math.min(n - 1, i + reach) && isPeak; j++) {
      if (j === i) continue;
      const w = v > 0 ? z[j] : -z[j], u = v > 0 ? v : -v;
      // Strictly greater before i, greater or equal after: one event per plateau.
      isPeak = j < i ? w < u : w <= u;
    }
    if (isPeak) out.push({ index: i, z: v, direction: v > 0 ? "up" : "down" });
  }
  return out;
}

/**
 * Positions of the extremes in one direction, as a typed array (for the period tests).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { extremes, positionsOf } from "./extremes.ts";
 * const events = extremes(new Float64Array([0, 1, 9, 1, 0, -8, 0]), 6);
 * assertEquals([...positionsOf(events, "up")], [2]);
 * ```
 */
export function positionsOf(events: readonly Extreme[], direction: "up" | "down"): Float64Array {
  const picked = events.filter((e) => e.direction === direction);
  return Float64Array.from(picked, (e) => e.index);
}

/**
 * |z| of the extremes in one direction, aligned with {@linkcode positionsOf}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { extremes, sizesOf } from "./extremes.ts";
 * const events = extremes(new Float64Array([0, 1, 9, 1, 0, -8, 0]), 6);
 * assertEquals([...sizesOf(events, "down")], [8]);
 * ```
 */
export function sizesOf(events: readonly Extreme[], direction: "up" | "down"): Float64Array {
  const picked = events.filter((e) => e.direction === direction);
  return Float64Array.from(picked, (e) => Math.abs(e.z));
}
