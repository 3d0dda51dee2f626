/**
 * Synthetic loss curves for the spike analysis's table of cases: each builder draws one kind of
 * run from a seeded generator, with the parameters a row names, so a row reads as the run it
 * stands for. They come after the real logs and the PyTorch records, and test what those do
 * not hold (a case at an edge, a class of runs the corpus has one of).
 */
import { random } from "./random.ts";

/** A seeded standard normal generator. */
export function normal(seed: number): () => number {
  const rand = random(seed);
  return () => Math.sqrt(-2 * Math.log(rand() || 1e-300)) * Math.cos(2 * Math.PI * rand());
}

/** A fine-tune's loss: a steep fall from `start` to `floor`, multiplicative noise `sigma`. */
export function fineTune(
  n: number,
  seed: number,
  { start = 2.5, floor = 0.3, tau = 20, sigma = 0.05, drift = 0 } = {},
): Float64Array {
  const g = normal(seed);
  return Float64Array.from(
    { length: n },
    (_, t) =>
      ((start - floor) * Math.exp(-t / tau) + floor * (1 + drift * t / n)) *
      Math.exp(sigma * g()),
  );
}

/** The values rounded to `decimals`, as a logger that writes round(loss, decimals) does. */
export function rounded(loss: Float64Array, decimals: number): Float64Array {
  const scale = 10 ** decimals;
  return loss.map((v) => Math.round(v * scale) / scale);
}

/**
 * A loss that falls from `start` to `low` over the first `fall` share of the run, then climbs
 * linearly to `end` (a contrastive run whose logits grow, a learning rate too high late).
 */
export function fallThenRise(
  n: number,
  seed: number,
  { start = 1.13, low = 0.004, end = 0.014, fall = 0.5, sigma = 0.05 } = {},
): Float64Array {
  const g = normal(seed);
  const turn = Math.floor(n * fall);
  return Float64Array.from({ length: n }, (_, t) => {
    const level = t < turn
      ? start * (low / start) ** (t / turn)
      : low + (end - low) * ((t - turn) / (n - 1 - turn));
    return level * Math.exp(sigma * g());
  });
}

/**
 * A multi-epoch fine-tune's staircase: flat within each epoch of `perEpoch` points (noise
 * `sigma`), the level `drop` lower at each epoch start.
 */
export function staircaseRun(
  epochs: number,
  perEpoch: number,
  seed: number,
  { start = 0.9, drop = 0.2, sigma = 0.05 } = {},
): Float64Array {
  const g = normal(seed);
  return Float64Array.from(
    { length: epochs * perEpoch },
    (_, t) => start * (1 - drop) ** Math.floor(t / perEpoch) * Math.exp(sigma * g()),
  );
}

/**
 * Data in the same order every epoch, with a profile that rises through the epoch by `rise`
 * (a sawtooth: down at each epoch start, back up within it) on a slowly falling trend.
 */
export function sawtoothRun(
  epochs: number,
  perEpoch: number,
  seed: number,
  { start = 0.9, rise = 0.3, fall = 0.03, sigma = 0.03 } = {},
): Float64Array {
  const g = normal(seed);
  return Float64Array.from({ length: epochs * perEpoch }, (_, t) => {
    const phase = (t % perEpoch) / perEpoch;
    return start * (1 - fall) ** (t / perEpoch) * Math.exp(rise * phase + sigma * g());
  });
}

/**
 * A run that trains normally, then from point `at` blows up to `height` times its level over
 * `width` points; it stays there (and turns NaN after `nanAfter` more points, when given), or
 * comes back when `recover` is set.
 */
export function blowUp(
  n: number,
  seed: number,
  { at = 0.6, width = 6, height = 50, recover = false, nanAfter = -1, sigma = 0.04 } = {},
): Float64Array {
  const base = fineTune(n, seed, { start: 2.5, floor: 0.4, tau: n / 10, sigma });
  const from = Math.floor(n * at);
  for (let t = from; t < n; t++) {
    const k = t - from;
    const up = recover ? (k < width ? height : 1) : height ** Math.min(1, (k + 1) / width);
    base[t] *= up;
    if (nanAfter >= 0 && k >= width + nanAfter) base[t] = NaN;
  }
  return base;
}

/**
 * The running mean since each epoch began, logged every batch (Keras's progress bar): batches
 * of a loss falling from `start` to `floor`, with batch-to-batch noise `sigma`.
 */
export function runningMeanRun(
  epochs: number,
  perEpoch: number,
  seed: number,
  { start = 1.1, floor = 0.3, sigma = 0.25 } = {},
): Float64Array {
  const g = normal(seed);
  const out = new Float64Array(epochs * perEpoch);
  let sum = 0;
  for (let t = 0; t < out.length; t++) {
    if (t % perEpoch === 0) sum = 0;
    const batch = (floor + (start - floor) * Math.exp(-t / perEpoch)) * Math.exp(sigma * g());
    sum += batch;
    out[t] = sum / (t % perEpoch + 1);
  }
  return out;
}
