import { bitReversal, fftFromBitReversed, fftToBitReversed } from "./fft.ts";

/**
 * Normalised autocorrelation of two real series at once, by FFT.
 *
 * Why: the autocorrelation r(L) = Σ (xᵢ − x̄)(xᵢ₊L − x̄) / Σ (xᵢ − x̄)² finds repeating structure
 * in O(n log n) by the Wiener–Khinchin theorem (zero-padded to ≥ n + maxLag, so every lag
 * returned is linear, not circular). Two real series share one complex transform: pack `a + i·b`,
 * split the spectrum by conjugate symmetry, and pack |A|² + i·|B|² into one inverse transform —
 * half the work of two. Lags 0…maxLag are returned (default all, n − 1); `affordableLags` says
 * how many fit the transform a smaller maxLag needs anyway.
 *
 * Cost: O(n log n) time, O(n) memory. Both inputs must be finite and of one length; a constant
 * series (zero variance) has r(0) = 1 and r(L) = 0 elsewhere by convention.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { autocorrelation2 } from "./autocorrelation.ts";
 * const [alternating, flat] = autocorrelation2(
 *   new Float64Array([1, -1, 1, -1]),
 *   new Float64Array([3, 3, 3, 3]),
 * );
 * assertAlmostEquals(alternating[1], -0.75, 1e-12); // lag 1 of an alternating series
 * assertAlmostEquals(alternating[2], 0.5, 1e-12);
 * assertEquals([...flat], [1, 0, 0, 0]); // a constant series, by convention
 * ```
 */
export function autocorrelation2(
  a: Float64Array,
  b: Float64Array,
  maxLag = a.length - 1,
): [Float64Array, Float64Array] {
  const n = a.length;
  if (b.length !== n) {
    throw new RangeError(`expected two series of one length, found ${n} and ${b.length}`);
  }
  if (!Number.isInteger(maxLag) || maxLag < 0) {
    throw new RangeError(`expected a non-negative integer maxLag, found ${maxLag}`);
  }
  if (n === 0) return [new Float64Array(0), new Float64Array(0)];
  const lags = Math.min(maxLag, n - 1);
  const size = paddedLength(n, lags);
  const re = new Float64Array(size), im = new Float64Array(size);
  let meanA = 0, meanB = 0, constantA = true, constantB = true;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
    constantA &&= a[i] === a[0];
    constantB &&= b[i] === b[0];
  }
  meanA /= n;
  meanB /= n;
  for (let i = 0; i < n; i++) {
    re[i] = a[i] - meanA;
    im[i] = b[i] - meanB;
  }
  // The spectrum stays in bit-reversed order: position p holds frequency reversed[p], and the
  // power spectrum is pointwise, so neither transform needs the permutation.
  fftToBitReversed(re, im);
  const reversed = bitReversal(size);
  // |A_k|² = |X_k + conj X_{N−k}|² / 4 and |B_k|² = |X_k − conj X_{N−k}|² / 4, the same at
  // k and N − k (a real series' spectrum is conjugate-symmetric): written in place, in pairs.
  for (let p = 0; p < size; p++) {
    const q = reversed[(size - reversed[p]) & (size - 1)];
    if (q < p) continue;
    const ar = re[p] + re[q], ai = im[p] - im[q];
    const br = re[p] - re[q], bi = im[p] + im[q];
    re[p] = re[q] = (ar * ar + ai * ai) / 4;
    im[p] = im[q] = (br * br + bi * bi) / 4;
  }
  fftFromBitReversed(re, im, true);
  // A constant series is told by its values, not by its zero-lag power: the transform's
  // rounding leaves that about 1e-32, not 0, and the other lags divided by it came out ±1e16.
  return [normalise(re, lags, constantA), normalise(im, lags, constantB)];
}

/**
 * The most lags (up to n − 1) that cost no more than `maxLag`: the transform is padded to the
 * power of two ≥ n + maxLag, which holds every lag up to its length − n without wrapping.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { affordableLags } from "./autocorrelation.ts";
 * // 100 + 10 needs 128 points, which hold lags up to 128 − 100 = 28 at no extra cost
 * assertEquals(affordableLags(100, 10), 28);
 * assertEquals(affordableLags(1, 5), 0);
 * ```
 */
export function affordableLags(n: number, maxLag: number): number {
  if (n <= 1) return 0;
  return Math.min(n - 1, paddedLength(n, Math.min(maxLag, n - 1)) - n);
}

function paddedLength(n: number, lags: number): number {
  let size = 1;
  while (size < n + lags) size <<= 1;
  return size;
}

function normalise(acf: Float64Array, lags: number, constant: boolean): Float64Array {
  const out = new Float64Array(lags + 1);
  const zero = acf[0];
  if (constant || !(zero > 0)) {
    out[0] = 1;
    return out;
  }
  for (let lag = 0; lag <= lags; lag++) out[lag] = acf[lag] / zero;
  return out;
}
