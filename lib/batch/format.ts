/**
 * Number formatting for the evidence and summaries of the batch analysis: a few significant
 * digits, never exponent notation for ordinary sizes, and "∞"/"NaN" for non-finite values.
 *
 * @example
 * ```ts
 * formatNumber(4); // "4"
 * formatNumber(0.2513); // "0.251"
 * formatNumber(6.2341); // "6.23"
 * ```
 */

/** `value` with `digits` significant digits (default 3), trailing zeros removed. */
export function formatNumber(value: number, digits = 3): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  const text = value.toPrecision(digits);
  if (text.includes("e")) return String(Number(text));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** A factor as "4×", "0.251×". */
export function formatFactor(value: number): string {
  return `${formatNumber(value)}×`;
}

/** A fraction as a percentage, "25 %". */
export function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100, 2)} %`;
}
