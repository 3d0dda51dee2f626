/** ulp, ulpError and ulpDistance against spacings read off the decoded bit patterns. */
import { assert, assertEquals } from "@std/assert";
import { ulp, ulpDistance, ulpError } from "../lib/fp/mod.ts";
import { decode, E4M3_LAYOUT, FP16_LAYOUT } from "./fp_decode.ts";

Deno.test("ulp(x, fp16) is the gap to the next pattern, for every positive finite fp16", () => {
  for (let p = 0; p < 0x7bff; p++) {
    const a = decode(p, FP16_LAYOUT);
    const gap = decode(p + 1, FP16_LAYOUT) - a;
    assertEquals(ulp(a, "fp16"), gap, `at pattern 0x${p.toString(16)}`);
    assertEquals(ulpDistance(a, decode(p + 1, FP16_LAYOUT), "fp16"), 1);
  }
  assertEquals(ulp(1, "fp16"), 2 ** -10);
  assertEquals(ulp(65504, "fp16"), 32);
  assertEquals(ulp(0, "fp16"), 2 ** -24);
  assert(Number.isNaN(ulp(Infinity, "fp16")));
});

Deno.test("ulpDistance counts patterns across zero, the subnormals and in fp64", () => {
  // From the largest negative to the largest positive E4M3 value: 126 + 126 steps (±0 coincide).
  assertEquals(ulpDistance(-448, 448, "fp8-e4m3"), 252);
  assertEquals(ulpDistance(decode(0x01, E4M3_LAYOUT), decode(0x08, E4M3_LAYOUT), "fp8-e4m3"), 7);
  assertEquals(ulpDistance(-0, 0, "fp16"), 0);
  assertEquals(ulpDistance(1, 1 + Number.EPSILON, "fp64"), 1);
  assertEquals(ulpDistance(-Number.MIN_VALUE, Number.MIN_VALUE, "fp64"), 2);
  assertEquals(ulpDistance(65504, Infinity, "fp16"), Infinity);
  assertEquals(ulpDistance(Infinity, 1e6, "fp16"), 0); // 1e6 rounds to Infinity in fp16
  assert(Number.isNaN(ulpDistance(NaN, 1, "fp16")));
});

Deno.test("ulpError measures against the reference's spacing", () => {
  assertEquals(ulpError(1 + 2 ** -10, 1, "fp16"), 1);
  assertEquals(ulpError(1, 1 + 2 ** -11, "fp16"), 0.5);
  assertEquals(ulpError(Infinity, 65504, "fp16"), Infinity);
  assertEquals(ulpError(Infinity, Infinity, "fp16"), 0);
  assertEquals(ulpError(NaN, NaN, "fp16"), 0);
  assert(Number.isNaN(ulpError(NaN, 1, "fp16")));
});
