/**
 * Arithmetic on a circle of one period: phases, their mean and their distance.
 *
 * Why: a phase near the end of a cycle (156 of 157) and one near its start (0) are neighbours;
 * plain averages and differences say they are far apart. The circular mean (the angle of the
 * summed unit vectors) and the circular distance (the shorter way round) do not.
 *
 * Cost: O(k) for k values.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { circularDistance, circularMean, modulo } from "./circular.ts";
 * assertAlmostEquals(circularMean([156, 0, 1], 157), 0, 1e-9);
 * assertEquals(circularDistance(156, 0, 157), 1);
 * assertEquals(modulo(-3, 10), 7);
 * ```
 *
 * @module
 */

/** `a` modulo `m`, in [0, m) also for negative `a`. */
export function modulo(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** The mean phase, in [0, period), of values taken modulo `period`. */
export function circularMean(values: ArrayLike<number>, period: number): number {
  let sin = 0, cos = 0;
  for (let i = 0; i < values.length; i++) {
    const angle = (2 * Math.PI * values[i]) / period;
    sin += Math.sin(angle);
    cos += Math.cos(angle);
  }
  return modulo((Math.atan2(sin, cos) / (2 * Math.PI)) * period, period);
}

/** The shorter distance between two phases on a circle of `period`. */
export function circularDistance(a: number, b: number, period: number): number {
  const d = modulo(a - b, period);
  return Math.min(d, period - d);
}
