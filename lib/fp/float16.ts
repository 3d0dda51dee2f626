import { FORMATS } from "./formats.ts";
import { roundBinary } from "./round_binary.ts";

/**
 * The software path: IEEE binary16 rounding without `Math.f16round`, through
 * {@linkcode roundBinary} (a few floating-point operations; what Node 20 runs).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { roundToFloat16Software } from "./float16.ts";
 * assertEquals(roundToFloat16Software(1 / 3), 0.333251953125);
 * assertEquals(roundToFloat16Software(1 / 3), Math.f16round(1 / 3));
 * ```
 */
export function roundToFloat16Software(x: number): number {
  return roundBinary(x, FORMATS.fp16);
}

const native = (Math as { f16round?: (x: number) => number }).f16round;

/** Whether the runtime has `Math.f16round` (the fast path). */
export const HAS_NATIVE_F16ROUND: boolean = typeof native === "function";

/**
 * Rounds a number to IEEE binary16 (fp16), ties-to-even: `Math.f16round` where the runtime has it,
 * the software path otherwise.
 *
 * `Math.f16round` (ES2025, in Deno and browsers; not in Node 20) rounds the exact fp64 value once,
 * as IEEE 754 requires; {@linkcode roundToFloat16Software} does the same with
 * {@linkcode roundBinary}, so the two agree on every input (the tests check all 65 536 patterns and
 * every midpoint between neighbours against both). Going through `Math.fround` first would round
 * twice and could be wrong on ties, so it is never used here. O(1).
 *
 * Edge cases: NaN → NaN, ±Infinity → itself, values ≥ 65520 overflow to Infinity (65520 is the tie
 * between 65504 and 2¹⁶, and ties go to even), −0 stays −0, subnormals down to 2⁻²⁴.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { roundToFloat16 } from "./float16.ts";
 * assertEquals(roundToFloat16(65519.99), 65504);
 * assertEquals(roundToFloat16(65520), Infinity);
 * assertEquals(roundToFloat16(2 ** -25), 0); // the tie between 0 and 2⁻²⁴: 0 is even
 * assertEquals(roundToFloat16(1e-8), 0);
 * assertEquals(roundToFloat16(-1e-8), -0);
 * ```
 */
export const roundToFloat16: (x: number) => number = HAS_NATIVE_F16ROUND
  ? native!
  : roundToFloat16Software;
