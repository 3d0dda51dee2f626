import { linearTicks, logTicks, niceLinearDomain, niceStep } from "./ticks.ts";

/** A y (or x) axis: its kind, domain, ticks, and the map from a value to [0, 1] of the range. */
export interface Axis {
  /** Linear in the value, or in its log10. */
  kind: "linear" | "log";
  /** The values at the two ends of the axis. */
  domain: [number, number];
  /** The values to label, ascending, all within the domain. */
  ticks: number[];
  /** Spacing used for tick labels (the 1-2-5 step; for log ticks, each label uses its own). */
  step: number;
  /** 0 at `domain[0]`, 1 at `domain[1]`; linear in the value or in its log10. */
  toUnit(value: number): number;
}

/**
 * Smallest and largest finite value, how many values are finite, and whether every finite value
 * is > 0. O(n); with no finite value, min is Infinity and max −Infinity.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { finiteExtent } from "./axis.ts";
 * assertEquals(finiteExtent([3, NaN, -1, Infinity]), {
 *   min: -1, max: 3, count: 2, allPositive: false,
 * });
 * ```
 */
export function finiteExtent(
  values: ArrayLike<number>,
): { min: number; max: number; count: number; allPositive: boolean } {
  let min = Infinity, max = -Infinity, count = 0, allPositive = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!(v > 0)) allPositive = false;
  }
  return { min, max, count, allPositive };
}

/**
 * The axis a loss curve needs: logarithmic when its finite values are all > 0 and span more than
 * `decades` decades, linear otherwise.
 *
 * Why: a loss that falls from 10 to 0.01 drawn linearly is a wall and a floor; every later event
 * (the spikes people ask about) is squashed into the bottom pixels. On a log axis equal ratios are
 * equal distances, so a spike that doubles the loss looks the same early and late. A log axis
 * needs every value > 0, and below ~1.5 decades it only distorts, so linear is kept there.
 *
 * Cost: O(n) for the min/max scan, O(ticks) for the rest. Edge cases: NaN and ±Infinity are
 * ignored (the renderer marks them on the axis); no finite value gives the domain [0, 1]; a
 * constant series gets a small symmetric pad; any value ≤ 0 (including −0) forces linear.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { axisFor } from "./axis.ts";
 * const falling = axisFor([10, 1, 0.01]); // three decades
 * assertEquals(falling.kind, "log");
 * assertEquals(falling.ticks, [0.01, 0.1, 1, 10]);
 * assertEquals(falling.toUnit(falling.domain[1]), 1); // the top of the plot
 * const flat = axisFor([2, 1.5, 1.2]);
 * assertEquals([flat.kind, flat.domain, flat.ticks], ["linear", [1.2, 2], [1.2, 1.4, 1.6, 1.8, 2]]);
 * assertEquals(axisFor([0, 10, 0.001]).kind, "linear"); // a 0 cannot go on a log axis
 * assertEquals(axisFor([NaN, Infinity]).domain, [0, 1]);
 * ```
 */
export function axisFor(values: ArrayLike<number>, decades = 1.5): Axis {
  const { min, max, count, allPositive } = finiteExtent(values);
  if (count === 0) return linearAxis(0, 1);
  if (allPositive && Math.log10(max / min) > decades) return logAxis(min, max);
  return linearAxis(min, max);
}

/**
 * A linear axis over `[min, max]` with about `count` intervals, widened to whole 1-2-5 steps
 * (see {@linkcode niceLinearDomain}). O(ticks).
 *
 * @throws {RangeError} for non-finite bounds or min > max.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linearAxis } from "./axis.ts";
 * const axis = linearAxis(0.13, 0.35);
 * assertEquals(axis.domain, [0.1, 0.35]);
 * assertEquals(axis.ticks, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
 * assertEquals(axis.step, 0.05);
 * ```
 */
export function linearAxis(min: number, max: number, count = 5): Axis {
  const [low, high] = niceLinearDomain(min, max, count);
  const span = high - low;
  return {
    kind: "linear",
    domain: [low, high],
    ticks: linearTicks(low, high, count),
    step: niceStep(span, count),
    toUnit: (v) => (v - low) / span,
  };
}

/**
 * A log10 axis over `[min, max]` (min > 0), padded by 4 % of its decades on each side (at least
 * 0.004 decades, so that a constant series gets a visible band). O(ticks).
 *
 * @throws {RangeError} unless 0 < min ≤ max.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { logAxis } from "./axis.ts";
 * const axis = logAxis(0.01, 10);
 * assertEquals(axis.ticks, [0.01, 0.1, 1, 10]);
 * assertAlmostEquals(axis.toUnit(Math.sqrt(0.1)), 0.5, 1e-12); // the middle decade's middle
 * ```
 */
export function logAxis(min: number, max: number): Axis {
  if (!(min > 0) || !(max >= min)) {
    throw new RangeError(`a log axis needs 0 < min ≤ max, found [${min}, ${max}]`);
  }
  const pad = 0.04 * Math.max(Math.log10(max / min), 0.1);
  const logLow = Math.log10(min) - pad;
  const logHigh = Math.log10(max) + pad;
  const low = 10 ** logLow, high = 10 ** logHigh;
  return {
    kind: "log",
    domain: [low, high],
    ticks: logTicks(low, high),
    step: NaN,
    toUnit: (v) => (Math.log10(v) - logLow) / (logHigh - logLow),
  };
}
