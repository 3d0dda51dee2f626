import { type Format, FORMATS } from "./formats.ts";
import { roundToFloat16 } from "./float16.ts";
import { roundBinary } from "./round_binary.ts";

/**
 * Rounds a number to a format: the one entry point the emulator uses for every operation.
 *
 * fp64 is the identity (JavaScript numbers are fp64); fp32 uses `Math.fround` (exact IEEE
 * binary32 rounding); fp16 uses `Math.f16round` when present (see {@linkcode roundToFloat16});
 * bf16 and the two OCP fp8 formats use the software path {@linkcode roundBinary}. Every path rounds
 * the exact value of `x` once, ties to even.
 *
 * bf16: PyTorch rounds an fp32 value to bf16 by round-to-nearest-even on its top 16 bits; for an fp32
 * input that is the same as rounding its exact value, which is what this does (and, for an fp64
 * input, avoids rounding twice).
 *
 * Edge cases: NaN → NaN; ±Infinity → itself (NaN in fp8-e4m3, which has no infinities); −0 kept;
 * overflow → ±Infinity (NaN in fp8-e4m3). O(1).
 *
 * @throws {TypeError} for a name that is not a format.
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { round } from "./round.ts";
 * assertEquals(round(70000, "fp16"), Infinity);
 * assertEquals(round(1 / 3, "bf16"), 0.333984375);
 * assertEquals(round(449, "fp8-e4m3"), 448);
 * assertEquals(round(500, "fp8-e4m3"), NaN);
 * assertEquals(round(0.1, "fp64"), 0.1);
 * // @ts-expect-error: not a format
 * assertThrows(() => round(1, "fp4"), TypeError);
 * ```
 */
export function round(x: number, format: Format): number {
  switch (format) {
    case "fp64":
      return x;
    case "fp32":
      return Math.fround(x);
    case "fp16":
      return roundToFloat16(x);
    case "bf16":
    case "fp8-e4m3":
    case "fp8-e5m2":
      return roundBinary(x, FORMATS[format]);
    default:
      throw new TypeError(`unknown format ${JSON.stringify(format)}`);
  }
}
