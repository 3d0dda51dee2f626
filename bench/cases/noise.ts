/**
 * The fast part of a loss curve: minibatch noise, and the helpers that measure how loud it is.
 *
 * Real per-step losses scatter around their level in proportion to it (a mean over a random
 * minibatch), are autocorrelated (consecutive batches share parameters and, with momentum,
 * update directions: AR(1) with φ up to 0.9) and heavy-tailed (hard batches: Student-t with
 * ν = 2–3 innovations). {@linkcode unitNoise} draws such a series with unit robust scale; the
 * curve is then level·exp(σ·noise), which stays positive like a loss. O(T).
 */
import type { Random } from "./random.ts";

/** The noise parameters of one case. */
export interface NoiseSpec {
  /** AR(1) coefficient in [0, 0.95). */
  phi: number;
  /** Student-t degrees of freedom of the innovations; Infinity for Gaussian. */
  dof: number;
}

/** Draws noise parameters with the mix seen in practice (mostly mild, sometimes nasty). */
export function drawNoise(random: Random): NoiseSpec {
  const r = random.next();
  const phi = r < 0.6 ? random.uniform(0, 0.3) : r < 0.9 ? random.uniform(0.3, 0.8) : random
    .uniform(0.8, 0.9);
  const dof = random.chance(0.4) ? random.uniform(2, 3) : Infinity;
  return { phi, dof };
}

/** An AR(1) series of `steps` values with Gaussian or Student-t innovations, robust scale 1. */
export function unitNoise(random: Random, steps: number, spec: NoiseSpec): Float64Array {
  const out = new Float64Array(steps);
  const gain = Math.sqrt(1 - spec.phi * spec.phi);
  const gaussian = !Number.isFinite(spec.dof);
  let state = 0;
  for (let t = 0; t < steps; t++) {
    const innovation = gaussian ? random.normal() : random.studentT(spec.dof);
    state = t === 0 ? innovation : spec.phi * state + gain * innovation;
    out[t] = state;
  }
  const scale = robustScale(out, random);
  for (let t = 0; t < steps; t++) out[t] /= scale;
  return out;
}

/**
 * 1.4826 × the median absolute deviation of `values` (finite ones), from at most 20 000 of them
 * drawn evenly: the standard deviation for Gaussian data, finite for any tail. O(m log m).
 */
export function robustScale(values: ArrayLike<number>, _random?: Random): number {
  const stride = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += stride) {
    if (Number.isFinite(values[i])) sample.push(values[i]);
  }
  if (sample.length === 0) return 1;
  sample.sort((a, b) => a - b);
  const median = sample[sample.length >> 1];
  const deviations = sample.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  return 1.4826 * deviations[deviations.length >> 1] || 1e-12;
}

/** The short-term scale: robust scale of first differences over √2 (what a local detector sees). */
export function localScale(values: ArrayLike<number>): number {
  const diffs = new Float64Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i++) diffs[i - 1] = values[i] - values[i - 1];
  return robustScale(diffs) / Math.SQRT2;
}

/** Means of consecutive blocks of `k` values; a last incomplete block is dropped. O(T). */
export function blockMeans(values: ArrayLike<number>, k: number): Float64Array {
  if (k === 1) return Float64Array.from(values);
  const n = Math.floor(values.length / k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = i * k; j < i * k + k; j++) sum += values[j];
    out[i] = sum / k;
  }
  return out;
}
