/**
 * Natural log of an upper bound on the chance that `hits` of `windows` fixed windows each hold
 * one of `events` points placed uniformly at random (each window `width` of `length` places).
 *
 * Why: the binomial test of a fold counts each cycle's window as hit with probability
 * events·width/length, as if the events were drawn with replacement. When a series has few
 * events and nearly all of them line up (6 restarts of a running mean over 6 epochs, and little
 * else), that overstates the chance by up to E^h/E!: h distinct events must fill h distinct
 * windows. By the union bound over which h windows and which ordered h events fill them,
 * P ≤ C(windows, h) · E!/(E − h)! · (width/length)^h — tighter than the binomial exactly when
 * events are few, looser otherwise (the caller takes the smaller).
 *
 * Cost: O(1) (log-factorials by a table below 256, Stirling's series above). Returns 0 (no
 * evidence) for hits ≤ 0 and −Infinity when more windows are hit than there are events.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logOccupancyTail } from "./occupancy_tail.ts";
 * // six events filling six windows of 4 places out of 853: ln(6! · (4/853)⁶) = −25.596
 * assertAlmostEquals(logOccupancyTail(6, 6, 6, 4, 853), -25.5955, 1e-4);
 * ```
 */
export function logOccupancyTail(
  hits: number,
  windows: number,
  events: number,
  width: number,
  length: number,
): number {
  if (!(hits > 0)) return 0;
  if (hits > events || hits > windows) return -Infinity;
  const bound = logFactorial(windows) - logFactorial(hits) - logFactorial(windows - hits) +
    logFactorial(events) - logFactorial(events - hits) + hits * Math.log(width / length);
  return Math.min(0, bound);
}

const TABLE = (() => {
  const table = new Float64Array(256);
  for (let k = 2; k < 256; k++) table[k] = table[k - 1] + Math.log(k);
  return table;
})();

/**
 * ln k! for a non-negative integer k: exact sums below 256, Stirling's series above.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals } from "@std/assert";
 * import { logFactorial } from "./occupancy_tail.ts";
 * assertAlmostEquals(logFactorial(5), Math.log(120), 1e-12);
 * assertAlmostEquals(logFactorial(300), logFactorial(299) + Math.log(300), 1e-9); // Stirling
 * ```
 */
export function logFactorial(k: number): number {
  if (k < 256) return TABLE[k];
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) -
    1 / (360 * k ** 3);
}
