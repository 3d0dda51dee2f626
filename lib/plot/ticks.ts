/**
 * The 1-2-5 step that cuts `span` into about `count` intervals. O(1).
 *
 * @throws {RangeError} for a span that is not positive and finite, or count < 1.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { niceStep } from "./ticks.ts";
 * assertEquals(niceStep(0.22), 0.05);
 * assertEquals(niceStep(1000, 5), 200);
 * ```
 */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) {
    throw new RangeError(`niceStep needs a positive finite span, found ${span}`);
  }
  if (!(count >= 1)) throw new RangeError(`niceStep needs count ≥ 1, found ${count}`);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / magnitude;
  const factor = mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10;
  return clean(factor * magnitude);
}

/**
 * Ticks on a 1-2-5 step, all within `[min, max]` (about `count` of them, at least one): axis ticks
 * a person reads at a glance. {@linkcode logTicks} puts log ticks on decades.
 *
 * Why 1-2-5: every step is 1, 2 or 5 times a power of ten, so tick labels have one significant
 * digit that changes and a reader interpolates between them without arithmetic (Heckbert,
 * "Nice numbers for graph labels", Graphics Gems, 1990; the rule d3's `ticks` and matplotlib's
 * `MaxNLocator` follow). Log axes put a tick on each power of ten, and on 2× and 5× multiples when
 * fewer than three powers of ten fall in the range.
 *
 * Cost: O(number of ticks). Edge cases: a zero-width range gets one tick; non-finite bounds or
 * `min > max` throw RangeError; tick values are rounded to 12 significant digits so that
 * `0.1 + 0.2`-style noise never reaches a label.
 *
 * @throws {RangeError} for non-finite bounds or min > max.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { linearTicks } from "./ticks.ts";
 * assertEquals(linearTicks(0.13, 0.35), [0.15, 0.2, 0.25, 0.3, 0.35]);
 * assertEquals(linearTicks(0, 1000, 5), [0, 200, 400, 600, 800, 1000]);
 * assertEquals(linearTicks(3, 3), [3]);
 * ```
 */
export function linearTicks(min: number, max: number, count = 5): number[] {
  checkRange(min, max);
  if (min === max) return [min];
  const step = niceStep(max - min, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(clean(k * step));
  return ticks;
}

/**
 * `[min, max]` widened outwards to whole multiples of its 1-2-5 step; a zero-width range is first
 * padded by 10 % of its value (±1 around 0). O(1).
 *
 * @throws {RangeError} for non-finite bounds or min > max.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { niceLinearDomain } from "./ticks.ts";
 * assertEquals(niceLinearDomain(0.13, 0.35), [0.1, 0.35]);
 * assertEquals(niceLinearDomain(3, 3), [2.7, 3.3]);
 * ```
 */
export function niceLinearDomain(min: number, max: number, count = 5): [number, number] {
  checkRange(min, max);
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceLinearDomain(min - pad, max + pad, count);
  }
  const step = niceStep(max - min, count);
  return [clean(Math.floor(min / step + 1e-9) * step), clean(Math.ceil(max / step - 1e-9) * step)];
}

/**
 * Ticks for a log axis over `[min, max]` (both > 0): powers of ten, plus 2× and 5× multiples when
 * fewer than three powers of ten fall in the range; `[min]` when none at all does. O(decades).
 *
 * @throws {RangeError} for non-finite bounds, min > max, or min ≤ 0.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logTicks } from "./ticks.ts";
 * assertEquals(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
 * assertEquals(logTicks(0.5, 3), [0.5, 1, 2]);
 * ```
 */
export function logTicks(min: number, max: number): number[] {
  checkRange(min, max);
  if (!(min > 0)) throw new RangeError(`a log axis needs min > 0, found ${min}`);
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const inside = (v: number) => v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12);
  const decades: number[] = [];
  for (let e = low; e <= high; e++) decades.push(clean(10 ** e));
  const majors = decades.filter(inside);
  if (majors.length >= 3) return majors;
  const withMultiples: number[] = [];
  for (const d of decades) for (const m of [1, 2, 5]) withMultiples.push(clean(m * d));
  const ticks = withMultiples.filter(inside);
  return ticks.length > 0 ? ticks : [clean(min)];
}

/**
 * A tick label: fixed-point with as many decimals as the step needs; from 10⁴ up with an SI
 * suffix (`200k`, `1.2M`: how training steps are spoken of); below 10⁻³ in exponent form (`2e-5`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatTick } from "./ticks.ts";
 * assertEquals(formatTick(0.25, 0.05), "0.25");
 * assertEquals(formatTick(1, 0.2), "1.0");
 * assertEquals(formatTick(200000, 50000), "200k");
 * assertEquals(formatTick(1200000, 200000), "1.2M");
 * assertEquals(formatTick(0.00002, 0.00001), "2e-5");
 * ```
 */
export function formatTick(value: number, step: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3) return clean(value).toExponential();
  if (magnitude >= 1e4) {
    const [unit, suffix] = magnitude >= 1e12
      ? [1e12, "T"]
      : magnitude >= 1e9
      ? [1e9, "G"]
      : magnitude >= 1e6
      ? [1e6, "M"]
      : [1e3, "k"];
    return String(clean(value / unit)) + suffix;
  }
  const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(Math.abs(step)) + 1e-9)));
  return value.toFixed(decimals);
}

function clean(value: number): number {
  return Number(value.toPrecision(12));
}

function checkRange(min: number, max: number): void {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new RangeError(`an axis needs finite bounds, found [${min}, ${max}]`);
  }
  if (min > max) throw new RangeError(`an axis needs min ≤ max, found [${min}, ${max}]`);
}
