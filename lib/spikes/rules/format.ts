/**
 * Numbers as the findings print them: three significant digits, exponents beyond 1e5 or below
 * 1e-3.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fmt } from "./format.ts";
 * assertEquals([fmt(4.0312), fmt(0.00012), fmt(123456), fmt(Infinity)], [
 *   "4.03", "1.20e-4", "1.23e+5", "Infinity",
 * ]);
 * ```
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3)
    ? x.toExponential(2)
    : Number(x.toPrecision(3)).toString();
}
