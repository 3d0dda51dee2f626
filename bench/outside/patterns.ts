/**
 * The phenomena of issue 11, each written onto a per-step loss in place (index t is global step
 * t + 1; epoch e covers indices e·P … e·P + P − 1). Each is the mechanism, not a fit to a
 * detector: a data order that repeats, a partial last batch, a model meeting its examples again.
 */
import type { Random } from "./random.ts";

/** A zero-mean profile over one epoch with max |value| 1: one to three harmonics, random phases. */
function epochProfile(rng: Random, period: number): Float64Array {
  const harmonics = rng.int(1, 3), p = new Float64Array(period);
  for (let h = 1; h <= harmonics; h++) {
    const a = rng.between(0.3, 1) / h, phase = rng.between(0, 2 * Math.PI);
    for (let i = 0; i < period; i++) p[i] += a * Math.sin((2 * Math.PI * h * i) / period + phase);
  }
  const mean = p.reduce((s, v) => s + v, 0) / period;
  let peak = 0;
  for (let i = 0; i < period; i++) peak = Math.max(peak, Math.abs(p[i] -= mean));
  return p.map((v) => v / (peak || 1));
}

/** Unshuffled data: the same smooth difficulty profile every epoch, `amp` in log units. */
export function unshuffled(rng: Random, loss: Float64Array, period: number, amp: number): void {
  const p = epochProfile(rng, period);
  for (let t = 0; t < loss.length; t++) loss[t] *= Math.exp(amp * p[t % period]);
}

/** A spike on the first step of each epoch after the first, decaying over `decay` steps. */
export function epochStartSpike(loss: Float64Array, period: number, height: number, decay: number) {
  for (let start = period; start < loss.length; start += period) {
    for (let j = 0; j < 5 * decay && start + j < loss.length; j++) {
      loss[start + j] *= 1 + (height - 1) * Math.exp(-j / decay);
    }
  }
}

/** The last step of every epoch scaled by `factor` (> 1 a spike, < 1 a dip): a partial batch. */
export function lastBatch(loss: Float64Array, period: number, factor: number): void {
  for (let end = period - 1; end < loss.length; end += period) loss[end] *= factor;
}

/** The level multiplied by `drop` at each epoch start and flat within: the staircase. */
export function epochStartDrop(loss: Float64Array, period: number, drop: number): void {
  for (let t = 0; t < loss.length; t++) loss[t] *= Math.pow(drop, Math.floor(t / period));
}

/** Spikes of `height` lasting `width` steps every `period` steps from `phase` on, not at epochs. */
export function periodicSpikes(
  loss: Float64Array,
  period: number,
  phase: number,
  height: number,
  width: number,
): void {
  for (let t = phase; t < loss.length; t += period) {
    for (let j = 0; j < width && t + j < loss.length; j++) loss[t + j] *= height;
  }
}

/**
 * `count` spikes of 3x-12x, each `width` steps long and starting on a multiple of `width`, at
 * random places in the middle 90 % of the run (a bad batch, or a bad stretch of batches that a
 * logger averaging `width` steps shows as one point).
 */
export function isolatedSpikes(rng: Random, loss: Float64Array, count: number, width: number) {
  const at: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = width * Math.floor((rng.between(0.05, 0.95) * loss.length) / width);
    const h = rng.between(3, 12);
    for (let j = 0; j < width && t + j < loss.length; j++) loss[t + j] *= h;
    at.push(t);
  }
  return at;
}

/** From `start` on the loss grows e-fold every `efold` steps to 1e4x, then NaN if `toNaN`. */
export function divergence(loss: Float64Array, start: number, efold: number, toNaN: boolean) {
  for (let t = start; t < loss.length; t++) {
    const g = Math.exp((t - start) / efold);
    loss[t] = g >= 1e4 && toNaN ? NaN : loss[t] * Math.min(g, 1e4);
  }
}

/** A blow-up peaking at `peak` x over `width` steps from `start`, after which training recovers. */
export function transient(loss: Float64Array, start: number, width: number, peak: number): void {
  for (let j = 0; j < width && start + j < loss.length; j++) {
    loss[start + j] *= Math.exp(Math.log(peak) * Math.sin((Math.PI * (j + 0.5)) / width));
  }
}

/** What Keras's progress bar and MetricLogger's global_avg print: the mean since the epoch began. */
export function runningMean(loss: Float64Array, period: number): Float64Array {
  const out = new Float64Array(loss.length);
  let sum = 0;
  for (let t = 0; t < loss.length; t++) {
    if (t % period === 0) sum = 0;
    sum += loss[t];
    out[t] = sum / ((t % period) + 1);
  }
  return out;
}
