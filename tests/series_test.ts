import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import { median } from "simple-statistics";
import {
  affordableLags,
  autocorrelation2,
  autocorrelationAt,
  bitReversal,
  blockMean,
  decimalQuantum,
  fft,
  fftFromBitReversed,
  fftToBitReversed,
  fillNonFinite,
  localScale,
  median5,
  rollingMedian,
  rollingMedianOfMedians,
} from "../lib/series/mod.ts";
import { circularDistance, circularMean } from "../lib/period/mod.ts";
import { random } from "./random.ts";

function directDft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length, outRe: number[] = [], outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * k * t) / n;
      sr += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
      si += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return [outRe, outIm];
}

Deno.test("fft() agrees with a direct DFT on random complex input of every size up to 512", () => {
  const rand = random(7);
  for (let n = 1; n <= 512; n *= 2) {
    const re = Array.from({ length: n }, () => rand() * 2 - 1);
    const im = Array.from({ length: n }, () => rand() * 2 - 1);
    const [dr, di] = directDft(re, im);
    const fr = Float64Array.from(re), fi = Float64Array.from(im);
    fft(fr, fi);
    for (let k = 0; k < n; k++) {
      assertAlmostEquals(fr[k], dr[k], 1e-9 * n);
      assertAlmostEquals(fi[k], di[k], 1e-9 * n);
    }
  }
});

Deno.test("fft() followed by the inverse fft() gives the input back", () => {
  const rand = random(3);
  const re = Float64Array.from({ length: 1024 }, () => rand()), im = new Float64Array(1024);
  const copy = re.slice();
  fft(re, im);
  fft(re, im, true);
  for (let i = 0; i < re.length; i++) assertAlmostEquals(re[i], copy[i], 1e-12);
});

Deno.test("fftToBitReversed() is the direct DFT in bit-reversed order, for odd and even log₂ n", () => {
  const rand = random(17);
  for (let n = 1; n <= 512; n *= 2) {
    const re = Array.from({ length: n }, () => rand() * 2 - 1);
    const im = Array.from({ length: n }, () => rand() * 2 - 1);
    const [dr, di] = directDft(re, im);
    const fr = Float64Array.from(re), fi = Float64Array.from(im);
    fftToBitReversed(fr, fi);
    const reversed = bitReversal(n);
    for (let k = 0; k < n; k++) {
      assertAlmostEquals(fr[reversed[k]], dr[k], 1e-9 * n);
      assertAlmostEquals(fi[reversed[k]], di[k], 1e-9 * n);
    }
    // … and fftFromBitReversed() inverts it without any permutation.
    fftFromBitReversed(fr, fi, true);
    for (let t = 0; t < n; t++) {
      assertAlmostEquals(fr[t], re[t], 1e-12);
      assertAlmostEquals(fi[t], im[t], 1e-12);
    }
  }
});

Deno.test("bitReversal() reverses the bits of every index, and is its own inverse", () => {
  assertEquals(Array.from(bitReversal(8)), [0, 4, 2, 6, 1, 5, 3, 7]);
  const reversed = bitReversal(1024);
  for (let i = 0; i < 1024; i++) assertEquals(reversed[reversed[i]], i);
});

Deno.test("fft() refuses a length that is not a power of two", () => {
  assertThrows(() => fft(new Float64Array(6), new Float64Array(6)), RangeError, "power-of-two");
});

Deno.test("autocorrelation2() matches the direct sum for both packed series", () => {
  const rand = random(11);
  const n = 300;
  const a = Float64Array.from({ length: n }, () => rand());
  const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 5) + rand());
  const [ra, rb] = autocorrelation2(a, b);
  for (const [x, r] of [[a, ra], [b, rb]] as const) {
    const mean = x.reduce((s, v) => s + v, 0) / n;
    let zero = 0;
    for (let i = 0; i < n; i++) zero += (x[i] - mean) ** 2;
    for (const lag of [0, 1, 7, 50, 299]) {
      let sum = 0;
      for (let i = 0; i + lag < n; i++) sum += (x[i] - mean) * (x[i + lag] - mean);
      assertAlmostEquals(r[lag], sum / zero, 1e-10);
    }
  }
});

Deno.test("autocorrelation2() with fewer lags pads less and still matches the direct sum", () => {
  const rand = random(19);
  for (const n of [97, 300, 1000]) {
    const a = Float64Array.from({ length: n }, () => rand());
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i / 3) + rand());
    const lags = affordableLags(n, Math.floor(n / 3));
    const [ra, rb] = autocorrelation2(a, b, lags);
    assertEquals([ra.length, rb.length], [lags + 1, lags + 1]);
    for (const [x, r] of [[a, ra], [b, rb]] as const) {
      const at = autocorrelationAt(x);
      for (let lag = 0; lag <= lags; lag++) assertAlmostEquals(r[lag], at(lag), 1e-10);
    }
  }
});

Deno.test("autocorrelation2() gives a constant series 1 then 0 whatever series it is packed with", () => {
  // The transform's rounding leaves the constant series a zero-lag power of about 1e-32 instead
  // of 0: divided by it, the other lags came out near ±1e16.
  const rand = random(23);
  const alternating = Float64Array.from({ length: 4 }, (_, i) => i % 2 ? -1 : 1);
  const noise = Float64Array.from({ length: 300 }, () => rand());
  for (const [varying, constant] of [[alternating, 0], [noise, 0.1], [noise, 3]] as const) {
    const flat = new Float64Array(varying.length).fill(constant);
    const [rv, rf] = autocorrelation2(varying, flat);
    const [rf2] = autocorrelation2(flat, varying);
    for (const r of [rf, rf2]) assertEquals([...r], [1, ...new Array(varying.length - 1).fill(0)]);
    assertAlmostEquals(rv[1], autocorrelationAt(varying)(1), 1e-10);
  }
});

Deno.test("affordableLags() keeps every lag the power of two ≥ n + maxLag holds unwrapped", () => {
  // 10 000 + 3 333 needs 16 384 points, which hold lags up to 16 384 − 10 000 = 6 384;
  // 1 000 + 333 needs 2 048, which holds them all (999); 97 + 31 fits 128 exactly: 31.
  assertEquals(affordableLags(10_000, 3_333), 6_384);
  assertEquals(affordableLags(1_000, 333), 999);
  assertEquals(affordableLags(97, 31), 31);
  assertEquals(affordableLags(1, 0), 0);
});

Deno.test("autocorrelationAt() is the direct sum, 0 beyond the series, 1 then 0 when constant", () => {
  const x = Float64Array.from([1, -1, 1, -1]);
  const at = autocorrelationAt(x);
  assertAlmostEquals(at(1), -0.75, 1e-15);
  assertAlmostEquals(at(2), 0.5, 1e-15);
  assertEquals([at(4), at(-1), at(1.5)], [0, 0, 0]);
  const flat = autocorrelationAt(new Float64Array(5).fill(3));
  assertEquals([flat(0), flat(1)], [1, 0]);
  assertThrows(() => autocorrelation2(x, x, -1), RangeError, "maxLag");
});

Deno.test("rollingMedian() equals the sorted-window median at every point", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 0, max: 20 }),
      (values, half) => {
        const x = Float64Array.from(values);
        const got = rollingMedian(x, half);
        for (let i = 0; i < x.length; i++) {
          const window = values.slice(Math.max(0, i - half), Math.min(x.length, i + half + 1));
          // simple-statistics interpolates the middle pair as a + (b − a)/2: equal to 1 ulp.
          assertAlmostEquals(got[i], median(window), 1e-12 * Math.max(1e-300, Math.abs(got[i])));
        }
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("localScale() estimates σ of Gaussian noise within 10 % in every block", () => {
  const rand = random(5);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-300)) * Math.cos(2 * Math.PI * rand());
  const x = Float64Array.from({ length: 20_000 }, (_, i) => (i < 10_000 ? 1 : 3) * gauss());
  const s = localScale(x, 500);
  assertAlmostEquals(s[2_000], 1, 0.1);
  assertAlmostEquals(s[18_000], 3, 0.3);
});

Deno.test("blockMean() averages each block, the last partial one too", () => {
  const x = Float64Array.from([0, 5, 0, -1, -7, 2, 3]);
  assertEquals(Array.from(blockMean(x, 3)), [5 / 3, -2, 3]);
});

Deno.test("fillNonFinite() counts NaN and ±Infinity and fills from the previous finite value", () => {
  const { filled, count, first, finite } = fillNonFinite(
    Float64Array.from([NaN, 2, Infinity, 4, -Infinity]),
  );
  assertEquals(Array.from(filled), [2, 2, 2, 4, 4]);
  assertEquals(count, 3);
  assertEquals(first, 0);
  assertEquals(Array.from(finite), [0, 1, 0, 1, 0]);
});

Deno.test("median5() equals the sorted middle for every ordering of five values with ties", () => {
  // All 5^5 assignments of the values 0..4: every permutation and every pattern of ties.
  for (let code = 0; code < 5 ** 5; code++) {
    const v = Array.from({ length: 5 }, (_, i) => Math.floor(code / 5 ** i) % 5);
    const sorted = [...v].sort((a, b) => a - b);
    assertEquals(median5(v[0], v[1], v[2], v[3], v[4]), sorted[2], `${v}`);
  }
});

Deno.test("rollingMedianOfMedians() lies between the 9th and 17th of its 25 values in order", () => {
  const rand = random(17);
  const x = Float64Array.from({ length: 5000 }, () => (rand() < 0.1 ? 50 * rand() : rand()));
  const got = rollingMedianOfMedians(x);
  for (let i = 12; i < x.length - 12; i++) {
    const window = Array.from(x.subarray(i - 12, i + 13)).sort((a, b) => a - b);
    assert(got[i] >= window[8] && got[i] <= window[16], `at ${i}: ${got[i]}`);
  }
  // and at the ends it is the exact median of what exists
  assertEquals(got[0], median(Array.from(x.subarray(0, 13))));
});

Deno.test("rollingMedianOfMedians() keeps a step edge and ignores a lone spike", () => {
  const x = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? 1 : 2));
  x[50] = 100;
  const got = rollingMedianOfMedians(x);
  assertEquals(got[50], 1);
  assertEquals(got[99], 1);
  assertEquals(got[100], 2);
});

Deno.test("circularMean() and circularDistance() treat the end of a cycle as next to its start", () => {
  assertAlmostEquals(circularDistance(156, 0, 157), 1, 1e-12);
  const mean = circularMean([156, 0, 1], 157);
  assert(Math.min(mean, 157 - mean) < 1e-9, `mean ${mean}`);
  assertAlmostEquals(circularMean([10, 12], 100), 11, 1e-9);
});

Deno.test("decimalQuantum() finds the 4 decimals of values read back from round(loss, 4)", () => {
  const logged = JSON.parse("[2.3456, 0.0001, 0.0002, 1.1, 0.0013]") as number[];
  assertEquals(decimalQuantum(Float64Array.from(logged)), 1e-4);
  assertEquals(decimalQuantum(Float64Array.from([1, 2, NaN, 7])), 1);
  assertEquals(decimalQuantum(Float64Array.from([Math.PI, Math.E])), 0);
  assertEquals(decimalQuantum(Float64Array.from([NaN, Infinity])), 0);
});
