/**
 * Every bit pattern of fp16, bf16 and both OCP fp8 formats, decoded by tests/fp_decode.ts (which
 * shares no code with lib/fp), must round to itself; every midpoint between two neighbours must
 * round to the neighbour with the even pattern, and anything off the midpoint to the nearer one;
 * the overflow boundary, signed zeros and subnormals must behave as IEEE 754 / OCP OFP8 say.
 */
import { assert, assertEquals, fail } from "@std/assert";
import {
  HAS_NATIVE_F16ROUND,
  round,
  roundToFloat16,
  roundToFloat16Software,
} from "../lib/fp/mod.ts";
import {
  BF16_LAYOUT,
  decode,
  E4M3_LAYOUT,
  E5M2_LAYOUT,
  FP16_LAYOUT,
  type Layout,
  patterns,
} from "./fp_decode.ts";

type Rounder = (x: number) => number;

function same(actual: number, expected: number, what: string): void {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${expected}, found ${actual}`);
}

/** Checks the round-trip of every pattern, every midpoint, zeros and the overflow boundary. */
function checkExhaustively(layout: Layout, f: Rounder, name: string): number {
  const width = 1 + layout.exponentBits + layout.mantissaBits;
  const half = 2 ** (width - 1);
  let checked = 0;
  for (const p of patterns(layout)) {
    const v = decode(p, layout);
    const r = f(v);
    if (Number.isNaN(v)) assert(Number.isNaN(r), `${name}: NaN pattern ${p} gave ${r}`);
    else same(r, v, `${name}: pattern 0x${p.toString(16)}`);
    checked++;
  }
  // Neighbours among the positive finite values: patterns 0, 1, 2, … increase in value.
  let p = 0;
  while (p + 1 < half && Number.isFinite(decode(p + 1, layout))) {
    const a = decode(p, layout);
    const b = decode(p + 1, layout);
    const mid = (a + b) / 2; // exact in fp64
    const even = p % 2 === 0 ? a : b;
    const nudge = mid * 2 ** -40;
    same(f(mid), even, `${name}: tie between ${a} and ${b}`);
    same(f(-mid), -even, `${name}: tie between ${-a} and ${-b}`);
    same(f(mid - nudge), a, `${name}: just below the midpoint of ${a} and ${b}`);
    same(f(mid + nudge), b, `${name}: just above the midpoint of ${a} and ${b}`);
    same(f(-(mid + nudge)), -b, `${name}: just above the midpoint of ${-a} and ${-b}`);
    checked += 5;
    p++;
  }
  // Past the largest finite value: the next value would be max + gap (2^(emax+1) for IEEE, 480 for
  // E4M3); ties go to even, which is the overflow for IEEE (max has an odd pattern) and max for E4M3.
  const max = decode(p, layout);
  const gap = max - decode(p - 1, layout);
  const overflow = layout.finiteOnly ? NaN : Infinity;
  const tie = max + gap / 2;
  same(f(tie - tie * 2 ** -40), max, `${name}: just below max + gap/2`);
  same(f(tie), p % 2 === 0 ? max : overflow, `${name}: max + gap/2`);
  same(f(tie + tie * 2 ** -40), overflow, `${name}: just above max + gap/2`);
  same(
    f(-(tie + tie * 2 ** -40)),
    layout.finiteOnly ? NaN : -Infinity,
    `${name}: negative overflow`,
  );
  same(f(1e300), overflow, `${name}: 1e300`);
  same(f(Infinity), layout.finiteOnly ? NaN : Infinity, `${name}: Infinity`);
  same(f(-Infinity), layout.finiteOnly ? NaN : -Infinity, `${name}: -Infinity`);
  assert(Number.isNaN(f(NaN)), `${name}: NaN`);
  // Signed zeros and underflow.
  const tiny = decode(1, layout);
  same(f(0), 0, `${name}: +0`);
  same(f(-0), -0, `${name}: -0`);
  same(f(tiny / 2), 0, `${name}: half the smallest subnormal ties to +0`);
  same(f(-tiny / 2), -0, `${name}: minus half the smallest subnormal ties to -0`);
  same(f(tiny * 0.75), tiny, `${name}: 0.75 of the smallest subnormal rounds up`);
  same(f(-1e-300), -0, `${name}: a negative underflow is -0`);
  return checked + 12;
}

Deno.test("fp16 via Math.f16round: all 65536 patterns, every tie, overflow, zeros", () => {
  assert(HAS_NATIVE_F16ROUND, "Deno 2.9 has Math.f16round");
  const n = checkExhaustively(FP16_LAYOUT, roundToFloat16, "f16round");
  assert(n > 65536 + 5 * 31000);
});

Deno.test("fp16 software path (for runtimes without Math.f16round): the same exhaustive checks", () => {
  checkExhaustively(FP16_LAYOUT, roundToFloat16Software, "software fp16");
});

Deno.test("fp16 software path agrees with Math.f16round on a million random doubles", () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 1_000_000; i++) {
    const x = (next() - 0.5) * 2 ** (Math.floor(next() * 50) - 30);
    if (!Object.is(roundToFloat16Software(x), roundToFloat16(x))) {
      fail(`software and native fp16 differ on ${x}`);
    }
  }
});

Deno.test("bf16: all 65536 patterns, every tie, overflow, zeros", () => {
  checkExhaustively(BF16_LAYOUT, (x) => round(x, "bf16"), "bf16");
});

Deno.test("fp8 E4M3 (OCP fn): all 256 patterns; 464 rounds to 448, above it is NaN", () => {
  checkExhaustively(E4M3_LAYOUT, (x) => round(x, "fp8-e4m3"), "e4m3");
  assertEquals(round(464, "fp8-e4m3"), 448);
  assert(Number.isNaN(round(465, "fp8-e4m3")));
  assert(Number.isNaN(round(480, "fp8-e4m3")));
  assert(Number.isNaN(round(Infinity, "fp8-e4m3")));
  assertEquals(decode(0x7e, E4M3_LAYOUT), 448);
  assert(Number.isNaN(decode(0x7f, E4M3_LAYOUT)));
  assertEquals(decode(0x01, E4M3_LAYOUT), 2 ** -9);
});

Deno.test("fp8 E5M2: all 256 patterns; max 57344, 61440 ties to Infinity", () => {
  checkExhaustively(E5M2_LAYOUT, (x) => round(x, "fp8-e5m2"), "e5m2");
  assertEquals(round(61439, "fp8-e5m2"), 57344);
  assertEquals(round(61440, "fp8-e5m2"), Infinity);
  assertEquals(decode(0x7b, E5M2_LAYOUT), 57344);
  assertEquals(decode(0x7c, E5M2_LAYOUT), Infinity);
});
