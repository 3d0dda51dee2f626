/**
 * In-place complex FFT of power-of-two length (Cooley–Tukey, radix 2², iterative).
 *
 * Why: autocorrelation by FFT is O(n log n), where the direct sum is O(n²) (Wiener–Khinchin:
 * the autocorrelation is the inverse transform of the power spectrum). Two radix-2 stages are
 * done in one pass over the data (a radix-4 butterfly with the twiddles of both stages), which
 * halves the passes over memory; the twiddles of each stage are stored contiguously.
 *
 * `fft` takes and gives natural order. For a transform whose spectrum is only multiplied
 * pointwise (a convolution, a power spectrum) the bit-reversal permutation can be skipped:
 * `fftToBitReversed` (decimation in frequency) leaves the spectrum in bit-reversed order and
 * `fftFromBitReversed` (decimation in time) takes it back; `bitReversal(n)` maps the two orders.
 *
 * Cost: O(N log N) time; O(N) tables, cached per size. `re` and `im` must have the same
 * power-of-two length. The inverse transform is scaled by 1/N (so a forward then an inverse
 * transform is the identity). NaN or ±Inf in the input spread to every output, as in any FFT.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fft } from "./fft.ts";
 * const re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
 * fft(re, im);
 * assertEquals([[...re], [...im]], [[10, -2, -2, -2], [0, 2, 0, -2]]);
 * fft(re, im, true); // the inverse, scaled by 1/N
 * assertEquals([[...re], [...im]], [[1, 2, 3, 4], [0, 0, 0, 0]]);
 * ```
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = checkedLength(re, im);
  if (n <= 1) return;
  const reversed = bitReversal(n);
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
  fftFromBitReversed(re, im, inverse);
}

/**
 * Decimation in frequency: natural order in, bit-reversed order out (for a spectrum that is only
 * multiplied pointwise, see {@linkcode fft}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fftToBitReversed } from "./fft.ts";
 * const re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
 * fftToBitReversed(re, im);
 * // frequencies 0, 2, 1, 3: fft's [10, −2+2i, −2, −2−2i] in bit-reversed order
 * assertEquals([[...re], [...im]], [[10, -2, -2, -2], [0, 0, 2, -2]]);
 * ```
 */
export function fftToBitReversed(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = checkedLength(re, im);
  if (n <= 1) return;
  const { cos, sin } = tablesFor(n);
  const s = inverse ? 1 : -1; // W = cos + i·s·sin
  const odd = (Math.log2(n) & 1) === 1;
  for (let h = n >> 2; h >= (odd ? 2 : 1); h >>= 2) {
    // Stages of half 2h then h, on blocks of 4h.
    const size = h << 2;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < h; k++) {
        const w1r = cos[h + k], w1i = s * sin[h + k];
        const w2r = cos[2 * h + k], w2i = s * sin[2 * h + k];
        const a0 = start + k, a1 = a0 + h, a2 = a1 + h, a3 = a2 + h;
        const x0r = re[a0], x0i = im[a0], x1r = re[a1], x1i = im[a1];
        const x2r = re[a2], x2i = im[a2], x3r = re[a3], x3i = im[a3];
        const y0r = x0r + x2r, y0i = x0i + x2i, y1r = x1r + x3r, y1i = x1i + x3i;
        const d2r = x0r - x2r, d2i = x0i - x2i;
        // (x1 − x3)·i·s: the twiddle W_{4h}^h.
        const d3r = -s * (x1i - x3i), d3i = s * (x1r - x3r);
        const y2r = d2r * w2r - d2i * w2i, y2i = d2r * w2i + d2i * w2r;
        const y3r = d3r * w2r - d3i * w2i, y3i = d3r * w2i + d3i * w2r;
        re[a0] = y0r + y1r;
        im[a0] = y0i + y1i;
        const e1r = y0r - y1r, e1i = y0i - y1i;
        re[a1] = e1r * w1r - e1i * w1i;
        im[a1] = e1r * w1i + e1i * w1r;
        re[a2] = y2r + y3r;
        im[a2] = y2i + y3i;
        const e3r = y2r - y3r, e3i = y2i - y3i;
        re[a3] = e3r * w1r - e3i * w1i;
        im[a3] = e3r * w1i + e3i * w1r;
      }
    }
  }
  // An odd number of stages: the last one, of half 1, alone.
  if (odd) pairStage(re, im);
  if (inverse) scale(re, im);
}

/**
 * Decimation in time: bit-reversed order in, natural order out (the way back from
 * {@linkcode fftToBitReversed}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fftFromBitReversed, fftToBitReversed } from "./fft.ts";
 * const re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
 * fftToBitReversed(re, im);
 * fftFromBitReversed(re, im, true);
 * assertEquals([[...re], [...im]], [[1, 2, 3, 4], [0, 0, 0, 0]]);
 * ```
 */
export function fftFromBitReversed(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = checkedLength(re, im);
  if (n <= 1) return;
  const { cos, sin } = tablesFor(n);
  const s = inverse ? 1 : -1;
  let h = 1;
  if ((Math.log2(n) & 1) === 1) {
    // An odd number of stages: the first one, of half 1, alone.
    pairStage(re, im);
    h = 2;
  }
  for (; h < n; h <<= 2) {
    // Stages of half h then 2h, on blocks of 4h.
    const size = h << 2;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < h; k++) {
        const w1r = cos[h + k], w1i = s * sin[h + k];
        const w2r = cos[2 * h + k], w2i = s * sin[2 * h + k];
        const a0 = start + k, a1 = a0 + h, a2 = a1 + h, a3 = a2 + h;
        let tr = re[a1], ti = im[a1];
        const x1r = tr * w1r - ti * w1i, x1i = tr * w1i + ti * w1r;
        tr = re[a3];
        ti = im[a3];
        const x3r = tr * w1r - ti * w1i, x3i = tr * w1i + ti * w1r;
        const x0r = re[a0], x0i = im[a0], x2r = re[a2], x2i = im[a2];
        const y0r = x0r + x1r, y0i = x0i + x1i, y1r = x0r - x1r, y1i = x0i - x1i;
        const y2r = x2r + x3r, y2i = x2i + x3i, y3r = x2r - x3r, y3i = x2i - x3i;
        const t2r = y2r * w2r - y2i * w2i, t2i = y2r * w2i + y2i * w2r;
        // y3·W_{4h}^{k+h} = y3·w2·i·s.
        const ur = y3r * w2r - y3i * w2i, ui = y3r * w2i + y3i * w2r;
        const t3r = -s * ui, t3i = s * ur;
        re[a0] = y0r + t2r;
        im[a0] = y0i + t2i;
        re[a2] = y0r - t2r;
        im[a2] = y0i - t2i;
        re[a1] = y1r + t3r;
        im[a1] = y1i + t3i;
        re[a3] = y1r - t3r;
        im[a3] = y1i - t3i;
      }
    }
  }
  if (inverse) scale(re, im);
}

/**
 * The bit-reversal permutation of 0…n−1 (n a power of two), cached per size: it maps natural to
 * bit-reversed order and back.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bitReversal } from "./fft.ts";
 * assertEquals([...bitReversal(8)], [0, 4, 2, 6, 1, 5, 3, 7]);
 * ```
 */
export function bitReversal(n: number): Uint32Array {
  let reversed = reversals.get(n);
  if (reversed) return reversed;
  reversed = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    reversed[i] = r;
  }
  if (reversals.size > 8) reversals.clear();
  reversals.set(n, reversed);
  return reversed;
}

/** The stage of half 1 (twiddle 1): each even point and the next, as their sum and difference. */
function pairStage(re: Float64Array, im: Float64Array): void {
  for (let a = 0; a < re.length; a += 2) {
    const xr = re[a + 1], xi = im[a + 1];
    re[a + 1] = re[a] - xr;
    im[a + 1] = im[a] - xi;
    re[a] += xr;
    im[a] += xi;
  }
}

function checkedLength(re: Float64Array, im: Float64Array): number {
  const n = re.length;
  if (im.length !== n) {
    throw new RangeError(`expected re and im of one length, found ${n} and ${im.length}`);
  }
  if (n > 1 && (n & (n - 1)) !== 0) {
    throw new RangeError(`expected a power-of-two length, found ${n}`);
  }
  return n;
}

function scale(re: Float64Array, im: Float64Array): void {
  const factor = 1 / re.length;
  for (let i = 0; i < re.length; i++) {
    re[i] *= factor;
    im[i] *= factor;
  }
}

/** Twiddles of every stage, contiguously: cos[h + k] = cos(πk/h) for the stage of half h. */
interface Tables {
  cos: Float64Array;
  sin: Float64Array;
}

const tables = new Map<number, Tables>();
const reversals = new Map<number, Uint32Array>();

function tablesFor(n: number): Tables {
  let found = tables.get(n);
  if (found) return found;
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let h = 1; h < n; h <<= 1) {
    for (let k = 0; k < h; k++) {
      cos[h + k] = Math.cos((Math.PI * k) / h);
      sin[h + k] = Math.sin((Math.PI * k) / h);
    }
  }
  found = { cos, sin };
  if (tables.size > 8) tables.clear();
  tables.set(n, found);
  return found;
}
