/** The formats the emulator rounds to. */
export type Format = "fp64" | "fp32" | "fp16" | "bf16" | "fp8-e4m3" | "fp8-e5m2";

/** Every format, widest first. */
export const FORMAT_NAMES = [
  "fp64",
  "fp32",
  "fp16",
  "bf16",
  "fp8-e4m3",
  "fp8-e5m2",
] as const satisfies readonly Format[];

/** Largest finite fp64: (2 − 2⁻⁵²)·2¹⁰²³. */
export const FP64_MAX: number = Number.MAX_VALUE;
/** Largest finite fp32: (2 − 2⁻²³)·2¹²⁷. */
export const FP32_MAX = 3.4028234663852886e38;
/** Largest finite IEEE binary16: (2 − 2⁻¹⁰)·2¹⁵. */
export const FP16_MAX = 65504;
/** Largest finite bfloat16: (2 − 2⁻⁷)·2¹²⁷. */
export const BF16_MAX = 3.3895313892515355e38;
/** Largest finite OCP E4M3: 1.75·2⁸ (the pattern S.1111.111 is NaN, so 1.875·2⁸ is not a number). */
export const FP8_E4M3_MAX = 448;
/** Largest finite OCP E5M2: 1.75·2¹⁵. */
export const FP8_E5M2_MAX = 57344;

/** Smallest positive normal fp16: 2⁻¹⁴. */
export const FP16_MIN_NORMAL = 2 ** -14;
/** Smallest positive subnormal fp16: 2⁻²⁴. */
export const FP16_MIN_SUBNORMAL = 2 ** -24;
/** fp16 machine epsilon (gap between 1 and the next value): 2⁻¹⁰. */
export const FP16_EPSILON = 2 ** -10;
/** bf16 machine epsilon: 2⁻⁷. */
export const BF16_EPSILON = 2 ** -7;
/** fp32 machine epsilon: 2⁻²³. */
export const FP32_EPSILON = 2 ** -23;

/** ln(FP16_MAX) ≈ 11.0898: `exp` in fp16 overflows above it. */
export const FP16_LOG_MAX: number = Math.log(FP16_MAX);
/** ln(FP32_MAX) ≈ 88.7228: `exp` in fp32 overflows above it. */
export const FP32_LOG_MAX: number = Math.log(FP32_MAX);

/** What a format is: the IEEE 754 parameters and the constants derived from them. */
export interface FormatInfo {
  /** The format's name, its key in {@linkcode FORMATS}. */
  name: Format;
  /** Storage width in bits. */
  bits: number;
  /** Exponent field width. */
  exponentBits: number;
  /** Stored fraction (mantissa) bits; the precision is one more. */
  mantissaBits: number;
  /** Precision p: significand bits including the implicit leading one. */
  precision: number;
  /** Smallest normal exponent emin (the subnormals share its quantum). */
  minExponent: number;
  /** Largest finite value. */
  max: number;
  /** Smallest positive normal value, 2^emin. */
  minNormal: number;
  /** Smallest positive subnormal value, 2^(emin − p + 1). */
  minSubnormal: number;
  /** Machine epsilon, 2^(1 − p): the gap between 1 and the next larger value. */
  epsilon: number;
  /** Whether ±Infinity exist; if not, overflow gives NaN. */
  hasInfinity: boolean;
}

function describe(
  name: Format,
  exponentBits: number,
  mantissaBits: number,
  max: number,
  hasInfinity = true,
): FormatInfo {
  const bias = 2 ** (exponentBits - 1) - 1;
  const minExponent = 1 - bias;
  const precision = mantissaBits + 1;
  return {
    name,
    bits: 1 + exponentBits + mantissaBits,
    exponentBits,
    mantissaBits,
    precision,
    minExponent,
    max,
    minNormal: 2 ** minExponent,
    minSubnormal: 2 ** (minExponent - mantissaBits),
    epsilon: 2 ** -mantissaBits,
    hasInfinity,
  };
}

/**
 * The table of the binary floating-point formats the emulator knows, e.g.
 * `FORMATS.fp16.max === 65504`; the constants above name their limits.
 *
 * Each format is described by the numbers IEEE 754-2019 §3.3 uses: the precision `p` (significand
 * bits including the implicit leading one), the smallest normal exponent `emin`, and the largest
 * finite value. The two 8-bit formats follow the OCP "8-bit Floating Point Specification (OFP8)"
 * rev. 1.0 (2023), the ones PyTorch calls `float8_e4m3fn` and `float8_e5m2`:
 *
 * - E4M3 ("fn" = finite, NaN only as S.1111.111): no infinities, largest finite 448. A value that
 *   overflows becomes NaN (OFP8's non-saturating conversion; PyTorch's `c10/util/Float8_e4m3fn.h`
 *   does the same: |x| ≥ 480 is NaN, and 464 < |x| < 480 rounds up onto the NaN pattern).
 * - E5M2: IEEE-like, with ±Infinity, largest finite 57344; overflow gives ±Infinity.
 *
 * bf16 is the top half of fp32 (same exponent range, 8-bit precision, max ≈ 3.39e38).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FORMATS } from "./formats.ts";
 * assertEquals(FORMATS.fp16.max, 65504);
 * assertEquals(FORMATS.fp16.epsilon, 2 ** -10);
 * assertEquals(FORMATS.fp16.minSubnormal, 2 ** -24);
 * assertEquals(FORMATS.bf16.minNormal, FORMATS.fp32.minNormal); // the same exponent range
 * assertEquals(FORMATS["fp8-e4m3"].hasInfinity, false);
 * ```
 */
export const FORMATS: Readonly<Record<Format, FormatInfo>> = {
  "fp64": describe("fp64", 11, 52, FP64_MAX),
  "fp32": describe("fp32", 8, 23, FP32_MAX),
  "fp16": describe("fp16", 5, 10, FP16_MAX),
  "bf16": describe("bf16", 8, 7, BF16_MAX),
  "fp8-e4m3": describe("fp8-e4m3", 4, 3, FP8_E4M3_MAX, false),
  "fp8-e5m2": describe("fp8-e5m2", 5, 2, FP8_E5M2_MAX),
};

/**
 * Whether `name` is one of {@linkcode FORMAT_NAMES}: the guard for a format read from a request.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isFormat } from "./formats.ts";
 * assertEquals(isFormat("bf16"), true);
 * assertEquals(isFormat("float16"), false);
 * ```
 */
export function isFormat(name: string): name is Format {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}
