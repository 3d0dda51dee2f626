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

/** A logged run: the values, the training step of each, and the epoch's length in steps. */
export interface LoggedRun {
  loss: Float64Array;
  steps: Float64Array;
  stepsPerEpoch: number;
  /** The parameters drawn, as a phrase (for a failing row's message). */
  describe: string;
}

/**
 * A running mean with few logged points per epoch, drawn from `seed`: the mean of the per-batch
 * losses since the epoch began, printed every k batches and at the epoch's last batch, 4–10
 * points an epoch, 5–30 epochs. Keras's progress bar prints from the first batch on (steps 1,
 * 1 + k, …, B of each epoch); torchvision's MetricLogger from the 0th iteration (0, k, …, B − 1).
 * The per-batch loss falls from `start` to a floor 1.5–20× lower over 0.5–10 epochs, with
 * multiplicative batch noise of 5–50 %, sometimes a ×0.6 step (an LR drop) at an epoch start,
 * and the values are printed with 4 decimals.
 */
export function sparseRunningMean(seed: number): LoggedRun {
  const u = random(seed * 7919 + 17), g = normal(seed * 104729 + 3);
  const pick = (lo: number, hi: number) => lo + (hi - lo) * u();
  const epochs = 5 + Math.floor(u() * 26), points = 4 + Math.floor(u() * 7);
  const k = [1, 2, 3, 4, 8][Math.floor(u() * 5)], keras = u() < 0.5;
  const batches = k * (points - 1) + 1 + (keras ? 0 : Math.floor(u() * k));
  const start = pick(0.5, 5), floor = start / Math.exp(pick(Math.log(1.5), Math.log(20)));
  const tau = Math.exp(pick(Math.log(0.5), Math.log(10))) * batches, sigma = pick(0.05, 0.5);
  const dropAt = u() < 0.3 ? Math.floor(pick(0.3, 0.8) * epochs) : -1;
  const loss: number[] = [], steps: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (let j = 1; j <= batches; j++) {
      const t = e * batches + j - 1, lr = dropAt >= 0 && e >= dropAt ? 0.6 : 1;
      sum += lr * (floor + (start - floor) * Math.exp(-t / tau)) * Math.exp(sigma * g());
      const printed = keras
        ? (j - 1) % k === 0 || j === batches
        : (j - 1) % k === 0 || j === batches;
      if (!printed) continue;
      loss.push(Math.round((sum / j) * 1e4) / 1e4);
      steps.push(keras ? e * batches + j : e * batches + j - 1);
    }
  }
  const describe = `${keras ? "Keras" : "torchvision"} ${epochs} epochs of ${batches} batches, ` +
    `every ${k} (${loss.length / epochs} points an epoch), ${fixed(start)}→${fixed(floor)} over ` +
    `${fixed(tau / batches)} epochs, noise ${fixed(sigma)}${
      dropAt >= 0 ? `, ×0.6 at epoch ${dropAt}` : ""
    }`;
  return {
    loss: Float64Array.from(loss),
    steps: Float64Array.from(steps),
    stepsPerEpoch: batches,
    describe,
  };
}

function fixed(x: number): string {
  return x.toFixed(2);
}

/** A healthy run: what `healthyRun` drew, and the body's options. */
export interface HealthyRun {
  loss: Float64Array;
  options: { logEvery?: number; stepsPerEpoch?: number };
  describe: string;
}

/**
 * A healthy training run drawn from `seed`, varying what real healthy runs vary: the descent
 * (one to four decades, fast or slow, sometimes a plateau before a second descent), the noise
 * (1–30 % of the level; one batch's scatter, or the mean of the k steps a point logs), logging
 * every k steps, values printed with 4 decimals, learning-rate drops (the level steps down and
 * the noise shrinks), the epoch given or not, 30 to 10⁵ points. Shuffled data: nothing repeats
 * with the epoch.
 */
export function healthyRun(seed: number): HealthyRun {
  const u = random(seed * 6151 + 5), g = normal(seed * 7507 + 11);
  const pick = (lo: number, hi: number) => lo + (hi - lo) * u();
  const n = Math.round(Math.exp(pick(Math.log(30), Math.log(1e5))));
  const k = [1, 1, 5, 10, 50][Math.floor(u() * 5)], mean = u() < 0.5;
  const steps = n * k, start = pick(0.5, 8), decades = pick(1, 4);
  const floor = start / 10 ** decades, tau = steps * Math.exp(pick(Math.log(0.02), Math.log(0.5)));
  const plateau = u() < 0.25
    ? { at: pick(0.2, 0.5) * steps, length: pick(0.05, 0.2) * steps }
    : null;
  const drops = u() < 0.3 ? [pick(0.4, 0.6), pick(0.7, 0.9)].map((f) => Math.round(f * steps)) : [];
  const sigma = Math.exp(pick(Math.log(0.01), Math.log(0.3)));
  const rounded = u() < 0.3, epochs = u() < 0.6;
  const stepsPerEpoch = Math.max(4 * k, Math.round(steps / pick(3, 60)));
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const m = mean ? k : 1;
    for (let s = 0; s < m; s++) {
      const t = i * k + s;
      const moving = plateau && t > plateau.at ? Math.max(plateau.at, t - plateau.length) : t;
      const lr = drops.filter((d) => t >= d).length;
      const level = (floor + (start - floor) * Math.exp(-moving / tau)) * 0.7 ** lr;
      sum += level * Math.exp(sigma * 0.6 ** lr * g());
    }
    loss[i] = rounded ? Math.round((sum / m) * 1e4) / 1e4 : sum / m;
  }
  const options = {
    ...(k > 1 ? { logEvery: k } : {}),
    ...(epochs ? { stepsPerEpoch } : {}),
  };
  const describe = `${n} points every ${k} steps (${mean ? "means" : "samples"}), ${
    fixed(start)
  } down ${fixed(decades)} decades, τ ${Math.round(tau)} steps${
    plateau ? `, a plateau at ${Math.round(plateau.at)}` : ""
  }${drops.length ? `, LR ×0.7 at ${drops}` : ""}, noise ${fixed(sigma)}${
    rounded ? ", 4 decimals" : ""
  }${epochs ? `, ${stepsPerEpoch} steps an epoch` : ""}`;
  return { loss, options, describe };
}
