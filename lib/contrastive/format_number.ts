/**
 * Writes a number for a sentence: integers exactly, others to 6 significant digits, with thousands
 * separators; exponent form for very large or small magnitudes; NaN/Infinity spelled out. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatNumber } from "./format_number.ts";
 * assertEquals(formatNumber(65504), "65,504");
 * assertEquals(formatNumber(3275.2000000000003), "3,275.2");
 * assertEquals(formatNumber(2.06e-9), "2.06e-9");
 * assertEquals(formatNumber(Infinity), "Infinity");
 * ```
 */
export function formatNumber(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e9 || magnitude < 1e-4) {
    return x.toExponential(digits - 1).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  return Number(x.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 12 });
}
