/**
 * The named constants against the bit patterns IEEE 754 and OCP OFP8 define them by, decoded by
 * tests/fp_decode.ts; fp32 and bf16 against independent bit-level implementations.
 */
import { assert, assertAlmostEquals, assertEquals, fail } from "@std/assert";
import fc from "fast-check";
import {
  BF16_MAX,
  FORMATS,
  FP16_EPSILON,
  FP16_LOG_MAX,
  FP16_MAX,
  FP16_MIN_NORMAL,
  FP16_MIN_SUBNORMAL,
  FP32_LOG_MAX,
  FP32_MAX,
  FP8_E4M3_MAX,
  FP8_E5M2_MAX,
  round,
  roundBinary,
} from "../lib/fp/mod.ts";
import { BF16_LAYOUT, decode, E4M3_LAYOUT, E5M2_LAYOUT, FP16_LAYOUT } from "./fp_decode.ts";

Deno.test("fp16 constants are the IEEE binary16 patterns 0x7BFF, 0x0400, 0x0001, 0x3C01", () => {
  assertEquals(FP16_MAX, decode(0x7bff, FP16_LAYOUT));
  assertEquals(FP16_MAX, 65504);
  assertEquals(FP16_MIN_NORMAL, decode(0x0400, FP16_LAYOUT));
  assertEquals(FP16_MIN_SUBNORMAL, decode(0x0001, FP16_LAYOUT));
  assertEquals(FP16_EPSILON, decode(0x3c01, FP16_LAYOUT) - 1);
  assertEquals(FORMATS.fp16.max, 65504);
  assertEquals(FORMATS.fp16.bits, 16);
  assertAlmostEquals(FP16_LOG_MAX, 11.0898, 1e-4);
});

Deno.test("bf16, fp32 and fp8 maxima are the patterns the formats define", () => {
  assertEquals(BF16_MAX, decode(0x7f7f, BF16_LAYOUT));
  assertEquals(FORMATS.bf16.minSubnormal, decode(0x0001, BF16_LAYOUT));
  const f32 = new DataView(new ArrayBuffer(4));
  f32.setUint32(0, 0x7f7fffff);
  assertEquals(FP32_MAX, f32.getFloat32(0));
  assertAlmostEquals(FP32_LOG_MAX, 88.7228, 1e-4);
  assertEquals(FP8_E4M3_MAX, decode(0x7e, E4M3_LAYOUT));
  assertEquals(FP8_E5M2_MAX, decode(0x7b, E5M2_LAYOUT));
  assertEquals(FORMATS["fp8-e4m3"].minSubnormal, 2 ** -9);
  assertEquals(FORMATS["fp8-e5m2"].minSubnormal, 2 ** -16);
  assertEquals(FORMATS["fp8-e4m3"].hasInfinity, false);
  assertEquals(FORMATS.fp64.epsilon, Number.EPSILON);
  assertEquals(FORMATS.fp32.minSubnormal, 2 ** -149);
});

Deno.test("the software path with fp32 parameters equals Math.fround on arbitrary doubles", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: false }), (x) => {
      return Object.is(roundBinary(x, FORMATS.fp32), Math.fround(x));
    }),
    { numRuns: 20000 },
  );
  // And near the fp32 overflow and underflow boundaries, where mistakes hide.
  for (
    const x of [FP32_MAX * (1 + 2 ** -25), FP32_MAX * (1 + 2 ** -24.5), 2 ** -150, 2 ** -149.5]
  ) {
    assert(Object.is(roundBinary(x, FORMATS.fp32), Math.fround(x)), `at ${x}`);
  }
});

/** bf16 the way PyTorch's c10::BFloat16 does it: round-to-nearest-even on the top 16 fp32 bits. */
function bf16ByBits(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  const bits = view.getUint32(0);
  if (Number.isNaN(view.getFloat32(0))) return NaN;
  const lsb = (bits >>> 16) & 1;
  const rounded = ((bits + 0x7fff + lsb) >>> 16) << 16;
  view.setUint32(0, rounded >>> 0);
  return view.getFloat32(0);
}

Deno.test("bf16 equals round-to-nearest-even on the top 16 bits of every fp32 input tried", () => {
  const view = new DataView(new ArrayBuffer(4));
  let seed = 7;
  for (let i = 0; i < 500_000; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    view.setUint32(0, seed);
    const x = view.getFloat32(0);
    const expected = bf16ByBits(x);
    const actual = round(x, "bf16");
    if (!Object.is(actual, expected) && !(Number.isNaN(actual) && Number.isNaN(expected))) {
      fail(`bf16(${x}) = ${actual}, bit method says ${expected}`);
    }
  }
});

Deno.test("bf16 ties go to even: 1 + 2^-8 → 1, 1 + 3·2^-8 → 1 + 2^-6", () => {
  assertEquals(round(1 + 2 ** -8, "bf16"), 1);
  assertEquals(round(1 + 3 * 2 ** -8, "bf16"), 1 + 2 ** -6);
  assertEquals(round(-(1 + 2 ** -8), "bf16"), -1);
  assertEquals(round(1 + 2 ** -8 + 2 ** -30, "bf16"), 1 + 2 ** -7);
});

Deno.test("round() on fp64 is the identity and rejects unknown formats", () => {
  assertEquals(round(0.1, "fp64"), 0.1);
  let threw = false;
  try {
    round(1, "fp12" as never);
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert(threw);
});
