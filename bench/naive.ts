/**
 * The textbook period finder, as a reference row in the score table: the argmax of the
 * autocorrelation of a detrended series (what peer (a) in bench/peers does with
 * statsmodels). It always returns a period when the ACF has any local maximum, which is why it
 * cannot tell "no period" from a period; and near-tied peaks at kP make it pick multiples.
 *
 * Non-finite points are linearly interpolated; the trend is a centred moving mean of 51 points
 * (O(n) with running sums); the ACF is |FFT|² inverse-transformed (radix-2, O(n log n)).
 */
import type { Analyzer, SpikeAnalysis, SpikeOptions } from "./spikes_api.ts";

/** In-place iterative radix-2 FFT of (re, im); `inverse` conjugates the twiddles (unscaled). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = (inverse ? 2 : -2) * Math.PI / size;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
}

/** Linear interpolation over non-finite points (constant extension at the ends). */
function interpolate(x: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  let last = -1;
  for (let i = 0; i <= y.length; i++) {
    if (i < y.length && !Number.isFinite(y[i])) continue;
    for (let j = last + 1; j < i; j++) {
      y[j] = last < 0
        ? y[i]
        : i >= y.length
        ? y[last]
        : y[last] + (y[i] - y[last]) * (j - last) / (i - last);
    }
    last = i;
  }
  return y.map((v) => (Number.isFinite(v) ? v : 0));
}

/** Naive analysis: period = lag of the highest local maximum of the ACF (lag ≥ 2). */
export const naiveAnalyzer: Analyzer = (loss: Float64Array, options: SpikeOptions = {}) => {
  const x = interpolate(loss);
  const n = x.length;
  const half = 25;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    re[i] = x[i] - (prefix[hi] - prefix[lo]) / (hi - lo);
    mean += re[i] / n;
  }
  for (let i = 0; i < n; i++) re[i] -= mean;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  let best = -1;
  for (let lag = 2; lag < n / 2; lag++) {
    if (re[lag] > re[lag - 1] && re[lag] >= re[lag + 1] && (best < 0 || re[lag] > re[best])) {
      best = lag;
    }
  }
  const k = options.logEvery ?? 1;
  const period = best > 0 ? best * k : null;
  const analysis: SpikeAnalysis = {
    n,
    non_finite: { count: loss.filter((v) => !Number.isFinite(v)).length, first_step: null },
    spikes: [],
    periodicity: { period, phase: null, confidence: 1, method: "naive-acf-argmax" },
    epoch_alignment: null,
    findings: period ? [{ id: "periodic-spikes", severity: "info", title: "", evidence: "" }] : [],
    summary: "",
  };
  return analysis;
};
