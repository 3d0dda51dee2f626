import { localScale, rollingMedianOfMedians } from "../series/mod.ts";
import type { Residuals } from "./residuals.ts";
import { PREPARE } from "./tuning.ts";

/**
 * Points on each side of a level shift (a shift is seen only where that many exist;
 * `PREPARE.shiftWidth`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LEVEL_SHIFT_WIDTH } from "./level_shifts.ts";
 * assertEquals(LEVEL_SHIFT_WIDTH, 4);
 * ```
 */
export const LEVEL_SHIFT_WIDTH: number = PREPARE.shiftWidth;

/**
 * Robust z-scores of level shifts: how far the mean of the next few points sits from the mean
 * of the few before, beyond the curve's own drift.
 *
 * Why: some periodic causes are steps, not spikes. A loss logged as the running mean since the
 * epoch began (Keras) falls in a staircase: flat-ish within each epoch, then a drop at every
 * epoch start, where the mean restarts from the current loss. A rolling median keeps such a
 * step sharp, so the residuals around it show nothing; the shift between the `width` points
 * after i and the `width` before does, peaking exactly at the first point of the new level.
 * Spikes are clipped to ±3 noise scales around the trend first (so a spike is not a step up and
 * then down), the drift (a decaying loss shifts a little everywhere) is removed with a rolling
 * median of the shifts, and what remains is divided by its blockwise MAD (`localScale`).
 *
 * Cost: O(n) in a few passes. A shift whose windows reach a non-finite point is 0. Series
 * shorter than 2·width + 1 get all zeros.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { levelShifts } from "./level_shifts.ts";
 * import { robustResiduals } from "./residuals.ts";
 * let seed = 1; // deterministic noise in (−0.5, 0.5), Park–Miller
 * const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * // the loss halves at point 150 and stays there
 * const loss = Float64Array.from({ length: 300 }, (_, i) => (i < 150 ? 2 : 1) * (1 + 0.01 * noise()));
 * const shifts = levelShifts(robustResiduals(loss));
 * const lowest = shifts.indexOf(Math.min(...shifts));
 * assertEquals([lowest, shifts[lowest] < -6], [150, true]);
 * ```
 */
export function levelShifts(residuals: Residuals, width = LEVEL_SHIFT_WIDTH): Float64Array {
  const { values, trend, z, scale, finite } = residuals;
  const n = values.length;
  const shift = new Float64Array(n);
  if (n < 2 * width + 1) return shift;
  const prefix = new Float64Array(n + 1);
  let smallest = Infinity;
  for (let i = 0; i < n; i++) {
    const clip = PREPARE.shiftClip;
    const clipped = z[i] > clip ? clip : z[i] < -clip ? -clip : z[i];
    prefix[i + 1] = prefix[i] + (finite[i] ? trend[i] + clipped * scale[i] : trend[i]);
    if (scale[i] < smallest) smallest = scale[i];
  }
  for (let i = width; i + width <= n; i++) {
    shift[i] = (prefix[i + width] - 2 * prefix[i] + prefix[i - width]) / width;
  }
  // A window that reaches a missing point sees the filled value, not the loss: no shift there.
  let lastMissing = -Infinity;
  for (let i = 0; i < n; i++) if (!finite[i]) lastMissing = i;
  if (lastMissing > -Infinity) {
    for (let i = 0, missing = -Infinity; i < n; i++) {
      if (!finite[i]) missing = i;
      if (i - missing <= width) shift[i] = 0;
    }
    for (let i = n - 1, missing = Infinity; i >= 0; i--) {
      if (!finite[i]) missing = i;
      if (missing - i < width) shift[i] = 0;
    }
  }
  const drift = rollingMedianOfMedians(shift);
  for (let i = 0; i < n; i++) shift[i] -= drift[i];
  const floor = Math.max(PREPARE.shiftScaleFloor * smallest, 1e-300);
  const spread = localScale(shift, PREPARE.scaleBlock, floor);
  for (let i = 0; i < n; i++) shift[i] /= spread[i];
  return shift;
}
