import { binaryExponent } from "./binary_exponent.ts";
import { type Format, FORMATS } from "./formats.ts";
import { round } from "./round.ts";

/**
 * Units in the last place: the spacing of `format` at `x`. With {@linkcode ulpError} (the error
 * of a computed value in those units) and {@linkcode ulpDistance} (the number of representable
 * values between two numbers), the emulator's measure of error.
 *
 * `ulp(x)` is the gap between the two consecutive values of the format that bracket |x| (Goldberg,
 * "What every computer scientist should know about floating-point arithmetic", 1991, §1.2;
 * Muller et al., Handbook of Floating-Point Arithmetic §2.6.1): 2^(e − p + 1) with e the binary
 * exponent of x, clamped to emin so that subnormals share the spacing of the smallest binade. A
 * correctly rounded result is within 0.5 ulp of the exact value. Its minimum subnormal at 0,
 * NaN for a non-finite `x`. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ulp } from "./ulp.ts";
 * assertEquals(ulp(1, "fp16"), 2 ** -10);
 * assertEquals(ulp(65504, "fp16"), 32);
 * assertEquals(ulp(1e-7, "fp16"), 2 ** -24); // a subnormal: the smallest binade's spacing
 * assertEquals(ulp(0, "bf16"), 2 ** -133);
 * assertEquals(ulp(Infinity, "fp32"), NaN);
 * ```
 */
export function ulp(x: number, format: Format): number {
  if (!Number.isFinite(x)) return NaN;
  const info = FORMATS[format];
  if (x === 0) return info.minSubnormal;
  const exponent = Math.max(binaryExponent(Math.abs(x)), info.minExponent);
  return 2 ** (exponent - info.mantissaBits);
}

/**
 * |value − reference| in ulps of `format` at `reference` (the exact answer, usually computed in
 * fp64). Equal values (two NaNs, equal infinities) are 0 apart; a NaN value is NaN ulps off; an
 * infinite value against a finite reference (or the reverse) is Infinity ulps off. O(1).
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { ulpError } from "./ulp.ts";
 * assertEquals(ulpError(1.0009765625, 1, "fp16"), 1);
 * assertAlmostEquals(ulpError(Math.fround(0.1), 0.1, "fp32"), 0.2, 1e-8); // ⅕ ulp off
 * assertEquals(ulpError(Infinity, 65504, "fp16"), Infinity);
 * assertEquals(ulpError(NaN, NaN, "fp16"), 0);
 * ```
 */
export function ulpError(value: number, reference: number, format: Format): number {
  if (Object.is(value, reference) || value === reference) return 0;
  if (Number.isNaN(value) && Number.isNaN(reference)) return 0;
  if (Number.isNaN(value) || Number.isNaN(reference)) return NaN;
  if (!Number.isFinite(value) || !Number.isFinite(reference)) return Infinity;
  return Math.abs(value - reference) / ulp(reference, format);
}

const view = new DataView(new ArrayBuffer(8));

/** The position of a finite `x` among the values of `format`, signed (0 for ±0). */
function ordinal(x: number, format: Format): bigint {
  if (format === "fp64") {
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const magnitude = bits & 0x7fff_ffff_ffff_ffffn;
    return bits >> 63n ? -magnitude : magnitude;
  }
  const info = FORMATS[format];
  const magnitude = Math.abs(x);
  let index: number;
  if (magnitude < info.minNormal) {
    index = magnitude / info.minSubnormal;
  } else {
    const exponent = binaryExponent(magnitude);
    const significand = magnitude / 2 ** (exponent - info.mantissaBits); // in [2^M, 2^(M+1))
    index = (exponent - info.minExponent) * 2 ** info.mantissaBits + significand;
  }
  return BigInt(x < 0 ? -index : index);
}

/**
 * How many steps of `format` lie between `a` and `b` (both rounded to the format first): 0 for
 * equal values (and for +0 and −0), 1 for neighbours, Infinity when exactly one is infinite or
 * the infinities differ, NaN when either is NaN. O(1) (fp64 through its bit pattern).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ulpDistance } from "./ulp.ts";
 * assertEquals(ulpDistance(65504, 65472, "fp16"), 1);
 * assertEquals(ulpDistance(-(2 ** -24), 2 ** -24, "fp16"), 2); // across ±0
 * assertEquals(ulpDistance(1, 1 + Number.EPSILON, "fp64"), 1);
 * assertEquals(ulpDistance(0, -0, "fp32"), 0);
 * ```
 */
export function ulpDistance(a: number, b: number, format: Format): number {
  const x = round(a, format);
  const y = round(b, format);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y ? 0 : Infinity;
  const d = ordinal(x, format) - ordinal(y, format);
  return Number(d < 0n ? -d : d);
}
