/**
 * Normalised autocorrelation of two real series at once, by FFT.
 *
 * Why: the autocorrelation r(L) = Σ (xᵢ − x̄)(xᵢ₊L − x̄) / Σ (xᵢ − x̄)² finds repeating structure
 * in O(n log n) by the Wiener–Khinchin theorem (zero-padded to ≥ 2n, so it is linear, not
 * circular). Two real series share one complex transform: pack `a + i·b`, split the spectrum by
 * conjugate symmetry, and pack |A|² + i·|B|² into one inverse transform — half the work of two.
 *
 * Cost: O(n log n) time, O(n) memory. Both inputs must be finite and of one length; a constant
 * series (zero variance) has r(0) = 1 and r(L) = 0 elsewhere by convention.
 *
 * @example
 * ```ts
 * const [ra] = autocorrelation2(new Float64Array([1, -1, 1, -1]), new Float64Array(4));
 * ra[1]; // -0.75: lag 1 of an alternating series
 * ```
 */
import { fft } from "./fft.ts";

export function autocorrelation2(
  a: Float64Array,
  b: Float64Array,
): [Float64Array, Float64Array] {
  const n = a.length;
  if (b.length !== n) {
    throw new RangeError(`expected two series of one length, found ${n} and ${b.length}`);
  }
  if (n === 0) return [new Float64Array(0), new Float64Array(0)];
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size), im = new Float64Array(size);
  let meanA = 0, meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  for (let i = 0; i < n; i++) {
    re[i] = a[i] - meanA;
    im[i] = b[i] - meanB;
  }
  fft(re, im);
  // |A_k|² = |X_k + conj X_{N−k}|² / 4 and |B_k|² = |X_k − conj X_{N−k}|² / 4.
  const powerA = new Float64Array(size), powerB = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const j = (size - k) & (size - 1);
    const ar = re[k] + re[j], ai = im[k] - im[j];
    const br = re[k] - re[j], bi = im[k] + im[j];
    powerA[k] = (ar * ar + ai * ai) / 4;
    powerB[k] = (br * br + bi * bi) / 4;
  }
  fft(powerA, powerB, true);
  return [normalise(powerA, n), normalise(powerB, n)];
}

function normalise(acf: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const zero = acf[0];
  if (!(zero > 0)) {
    out[0] = 1;
    return out;
  }
  for (let lag = 0; lag < n; lag++) out[lag] = acf[lag] / zero;
  return out;
}
