/**
 * `value` with `digits` significant digits (default 3), trailing zeros removed: the number
 * formatting of the evidence and summaries of the batch analysis. A few significant digits, never
 * exponent notation for ordinary sizes (from 10^digits up, whole numbers with thousands
 * separators), and "∞"/"NaN" for non-finite values. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatNumber } from "./format.ts";
 * assertEquals(formatNumber(4), "4");
 * assertEquals(formatNumber(0.2513), "0.251");
 * assertEquals(formatNumber(6.2341), "6.23");
 * assertEquals(formatNumber(123456), "123,456");
 * assertEquals(formatNumber(Infinity), "∞");
 * ```
 */
export function formatNumber(value: number, digits = 3): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  const text = value.toPrecision(digits);
  if (text.includes("e")) return String(Number(text));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * A factor as "4×", "0.251×".
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatFactor } from "./format.ts";
 * assertEquals(formatFactor(4), "4×");
 * assertEquals(formatFactor(0.2513), "0.251×");
 * ```
 */
export function formatFactor(value: number): string {
  return `${formatNumber(value)}×`;
}

/**
 * A fraction as a percentage with two significant digits, "25 %".
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatPercent } from "./format.ts";
 * assertEquals(formatPercent(0.25), "25 %");
 * assertEquals(formatPercent(8 / 32), "25 %");
 * ```
 */
export function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100, 2)} %`;
}
