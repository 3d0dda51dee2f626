import { binaryExponent } from "./binary_exponent.ts";
import type { FormatInfo } from "./formats.ts";

/**
 * Rounds a number to a binary floating-point format, round-to-nearest, ties-to-even: the software
 * path every format can take.
 *
 * IEEE 754-2019 §4.3.1 (roundTiesToEven) on the exact value of `x`, with gradual underflow
 * (subnormals share the quantum of the smallest normal binade) and overflow per the format: ±Infinity
 * when it has infinities, NaN when it has not (OCP E4M3). The value is scaled by a power of two so
 * that one unit in the last place becomes 1, rounded to an integer, and scaled back; both scalings
 * are exact in fp64 (the format is narrower than fp64), so the result is rounded once, not twice.
 *
 * Overflow follows IEEE: a value overflows when its rounding with an unbounded exponent exceeds
 * the largest finite value, so `max + ulp/2` (a tie whose even neighbour is 2^(emax+1)) overflows and
 * anything below it rounds to `max`. For E4M3 the first value past 448 would be 480; the tie 464
 * rounds to 448 (even) and anything above it is NaN — what PyTorch's `float8_e4m3fn` cast does.
 *
 * Edge cases: NaN → NaN; ±Infinity → itself (NaN without infinities); the sign of zero is kept, and a
 * negative number too small for the format rounds to −0. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FORMATS } from "./formats.ts";
 * import { roundBinary } from "./round_binary.ts";
 * assertEquals(roundBinary(1 + 2 ** -11, FORMATS.fp16), 1); // a tie: 1 is even
 * assertEquals(roundBinary(1 + 3 * 2 ** -11, FORMATS.fp16), 1 + 2 ** -9); // a tie: up to even
 * assertEquals(roundBinary(65520, FORMATS.fp16), Infinity);
 * assertEquals(roundBinary(464, FORMATS["fp8-e4m3"]), 448);
 * assertEquals(roundBinary(500, FORMATS["fp8-e4m3"]), NaN);
 * assertEquals(roundBinary(-1e-300, FORMATS.bf16), -0);
 * ```
 */
export function roundBinary(x: number, format: FormatInfo): number {
  if (x !== x) return NaN;
  if (x === Infinity || x === -Infinity) return format.hasInfinity ? x : NaN;
  if (x === 0) return x;
  const magnitude = x < 0 ? -x : x;
  const exponent = Math.max(binaryExponent(magnitude), format.minExponent);
  const quantum = 2 ** (exponent - format.mantissaBits);
  const scaled = magnitude / quantum; // < 2^precision, exact
  const whole = Math.floor(scaled);
  const rest = scaled - whole; // exact: scaled has at most 53 significant bits
  const rounded = rest > 0.5 || (rest === 0.5 && whole % 2 === 1) ? whole + 1 : whole;
  const result = rounded * quantum;
  if (result > format.max) {
    if (!format.hasInfinity) return NaN;
    return x < 0 ? -Infinity : Infinity;
  }
  return x < 0 ? -result : result;
}
