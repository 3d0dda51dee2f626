/**
 * In-place iterative radix-2 complex FFT (Cooley–Tukey, decimation in time).
 *
 * Why: autocorrelation by FFT is O(n log n), where the direct sum is O(n²) (Wiener–Khinchin:
 * the autocorrelation is the inverse transform of the power spectrum). Twiddle factors and the
 * bit-reversal permutation are cached per size, so repeated transforms of one size pay for the
 * tables once.
 *
 * Cost: O(N log N) time, O(N) tables. `re` and `im` must have the same power-of-two length.
 * The inverse transform is unscaled here and scaled by 1/N (so `fft` then `fft(…, true)` is the
 * identity). NaN or ±Inf in the input spread to every output, as in any FFT.
 *
 * @example
 * ```ts
 * const re = new Float64Array([1, 0, 0, 0]), im = new Float64Array(4);
 * fft(re, im); // re = [1, 1, 1, 1], im = [0, 0, 0, 0]
 * ```
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) {
    throw new RangeError(`expected re and im of one length, found ${n} and ${im.length}`);
  }
  if (n <= 1) return;
  if ((n & (n - 1)) !== 0) {
    throw new RangeError(`expected a power-of-two length, found ${n}`);
  }
  const { cos, sin, reversed } = tablesFor(n);
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const sign = inverse ? -1 : 1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += stride) {
        const wr = cos[t], wi = -sign * sin[t];
        const a = start + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }
}

interface Tables {
  cos: Float64Array;
  sin: Float64Array;
  reversed: Uint32Array;
}

const cache = new Map<number, Tables>();

function tablesFor(n: number): Tables {
  let tables = cache.get(n);
  if (tables) return tables;
  const cos = new Float64Array(n >> 1), sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const reversed = new Uint32Array(n);
  const bits = Math.log2(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    reversed[i] = r;
  }
  tables = { cos, sin, reversed };
  if (cache.size > 8) cache.clear();
  cache.set(n, tables);
  return tables;
}
