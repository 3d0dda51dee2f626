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
