/**
 * Turns a recipe (trend × cause, noise, logging) into the points a user would log, with the
 * noise calibrated so the cause is visible: a case whose cause no expert could see would measure
 * nothing but luck.
 *
 * Pipeline, per training step t: x_t = level_t · cause_t · exp(σ·boost_t·e_t) (e: unit AR(1)
 * noise, boost > 1 on steps with fewer samples), times 1 + outlier on a few random steps; then,
 * when the logger reports the running mean since the epoch began (Keras), that mean; then means
 * of blocks of `log_every` steps. σ is the drawn per-step noise, lowered when needed so that the
 * cause's effect in logged points is at least `snr` times the noise in logged points. O(T).
 */
import { blockMeans, localScale, type NoiseSpec, robustScale, unitNoise } from "./noise.ts";
import type { Random } from "./random.ts";

/** How the visibility of the cause is measured. */
export type Visibility =
  /** Per-event peak of the effect (spikes, dips), over the short-term noise. */
  | { mode: "peak"; events: number[]; snr: number }
  /** RMS of the effect (a repeating profile), over the noise's overall scale. */
  | { mode: "profile"; snr: number }
  /** Median per-epoch peak over the first half of the epochs (saw-tooth), overall noise scale. */
  | { mode: "sawtooth"; epoch: number; snr: number }
  /** Nothing to see (aperiodic kinds): σ is the drawn one. */
  | { mode: "none" };

/** Everything that makes one curve. */
export interface Recipe {
  level: Float64Array;
  /** Multiplier per step from the cause (absent: 1). */
  cause?: Float64Array;
  /** Steps whose noise is scaled up, e.g. the last, smaller batch: step → factor. */
  noiseBoost?: Map<number, number>;
  noise: NoiseSpec;
  /** Drawn per-step relative noise. */
  sigma: number;
  logEvery: number;
  /** Log the running mean since the start of each epoch of this many steps (Keras). */
  runningMeanEpoch?: number;
  /** Probability per step of an outlier (a hard batch). */
  outlierRate: number;
  visibility: Visibility;
}

/** The logged points, and what was used. */
export interface Rendered {
  points: Float64Array;
  sigma: number;
  /** Effect over noise, measured in logged points as `visibility` defines it (NaN: none). */
  snr: number;
}

/** Running mean since the start of each epoch of `epoch` steps. */
function runningMean(values: Float64Array, epoch: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let t = 0; t < values.length; t++) {
    if (t % epoch === 0) sum = 0;
    sum += values[t];
    out[t] = sum / (t % epoch + 1);
  }
  return out;
}

function logged(values: Float64Array, recipe: Recipe): Float64Array {
  const averaged = recipe.runningMeanEpoch ? runningMean(values, recipe.runningMeanEpoch) : values;
  return blockMeans(averaged, recipe.logEvery);
}

function measureEffect(recipe: Recipe, effect: Float64Array): number {
  const v = recipe.visibility;
  const k = recipe.logEvery;
  if (v.mode === "peak") {
    const peaks = v.events.map((step) => {
      const i = Math.floor(step / k);
      let peak = 0;
      for (let j = Math.max(0, i - 1); j <= Math.min(effect.length - 1, i + 2); j++) {
        peak = Math.max(peak, Math.abs(effect[j]));
      }
      return peak;
    }).sort((a, b) => a - b);
    return peaks.length ? peaks[peaks.length >> 1] : 0;
  }
  if (v.mode === "profile") {
    let mean = 0;
    for (const e of effect) mean += e / effect.length;
    let sum = 0;
    for (const e of effect) sum += (e - mean) ** 2;
    return Math.sqrt(sum / effect.length);
  }
  if (v.mode === "sawtooth") {
    const perEpoch = v.epoch / k;
    const epochs = Math.floor(effect.length / perEpoch);
    const peaks: number[] = [];
    for (let m = 0; m < Math.max(1, Math.ceil(epochs / 2)); m++) {
      let peak = 0;
      const end = Math.min(effect.length, Math.floor((m + 1) * perEpoch));
      for (let j = Math.floor(m * perEpoch); j < end; j++) {
        peak = Math.max(peak, Math.abs(effect[j]));
      }
      peaks.push(peak);
    }
    peaks.sort((a, b) => a - b);
    return peaks[peaks.length >> 1];
  }
  return NaN;
}

/** Renders a recipe into logged points. */
export function render(random: Random, recipe: Recipe): Rendered {
  const steps = recipe.level.length;
  const e = unitNoise(random, steps, recipe.noise);
  let sigma = recipe.sigma;
  let snr = NaN;
  if (recipe.visibility.mode !== "none") {
    const clean = new Float64Array(steps);
    for (let t = 0; t < steps; t++) clean[t] = recipe.level[t] * (recipe.cause?.[t] ?? 1);
    const withCause = logged(clean, recipe);
    // The effect is relative to the level itself, so a logged running mean counts as effect.
    const without = blockMeans(recipe.level, recipe.logEvery);
    const effect = withCause.map((v, i) => v / without[i] - 1);
    const measure = measureEffect(recipe, effect);
    const noisePoints = logged(e, recipe);
    const noiseScale = recipe.visibility.mode === "peak"
      ? localScale(noisePoints)
      : robustScale(noisePoints);
    const wanted = recipe.visibility.snr;
    sigma = Math.max(1e-5, Math.min(sigma, measure / (wanted * noiseScale)));
    snr = measure / (sigma * noiseScale);
  }
  // Clip the exponent: a Student-t draw with ν = 2 can be huge, a loss is not 1e30× its level.
  const limit = 2;
  const x = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    const boost = recipe.noiseBoost?.get(t) ?? 1;
    const exponent = Math.max(-limit, Math.min(limit, sigma * boost * e[t]));
    let value = recipe.level[t] * (recipe.cause?.[t] ?? 1) * Math.exp(exponent);
    if (recipe.outlierRate > 0 && random.chance(recipe.outlierRate)) {
      value *= 1 + random.logUniform(0.5, 5);
    }
    x[t] = value;
  }
  return { points: logged(x, recipe), sigma, snr };
}
