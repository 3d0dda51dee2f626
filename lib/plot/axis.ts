/**
 * The axis a loss curve needs: logarithmic when its finite values span decades, linear otherwise.
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
 * const y = axisFor(loss, 1.5);
 * y.kind;                  // "log" if max/min > 10^1.5 and all > 0
 * y.toUnit(y.domain[1]);   // 1 (top of the plot)
 */
import { linearTicks, logTicks, niceLinearDomain, niceStep } from "./ticks.ts";

/** A y (or x) axis: its kind, domain, ticks, and the map from a value to [0, 1] of the range. */
export interface Axis {
  kind: "linear" | "log";
  domain: [number, number];
  ticks: number[];
  /** Spacing used for tick labels (the 1-2-5 step; for log ticks, each label uses its own). */
  step: number;
  /** 0 at `domain[0]`, 1 at `domain[1]`; linear in the value or in its log10. */
  toUnit(value: number): number;
}

/** Smallest and largest finite value, and whether every finite value is > 0. */
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

/** A log axis when the finite values are all > 0 and span more than `decades` decades. */
export function axisFor(values: ArrayLike<number>, decades = 1.5): Axis {
  const { min, max, count, allPositive } = finiteExtent(values);
  if (count === 0) return linearAxis(0, 1);
  if (allPositive && Math.log10(max / min) > decades) return logAxis(min, max);
  return linearAxis(min, max);
}

/** A linear axis over `[min, max]`, widened to whole 1-2-5 steps. */
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

/** A log10 axis over `[min, max]` (min > 0), padded by 4 % of its decades on each side. */
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
