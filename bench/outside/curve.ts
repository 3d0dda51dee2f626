/**
 * The healthy part of an outside case: a per-step training loss (a decaying trend times
 * correlated log-normal batch noise), and how a training loop logs it (every k-th step's value,
 * or the mean of the last k steps).
 */
import type { Random } from "./random.ts";

/** Ranges the healthy curve is drawn from, each with the reason for its bounds. */
export const CURVE = {
  /** Final loss level: 0.02 (fine-tuned classifiers) to 3 (language models early on). */
  floor: [0.02, 3],
  /** Initial loss over final level: a 1.5x to 40x descent, as in the public runs. */
  descent: [1.5, 40],
  /** Time constant of the descent as a share of the run: fast fine-tunes to slow pretraining. */
  tau: [0.03, 0.6],
  /** Per-step log-noise: one batch's loss scatters 2 % (large batches) to 30 % (small ones). */
  noise: [0.02, 0.3],
  /** AR(1) coefficient of the log-noise: batches of similar difficulty come in short runs. */
  ar: [0, 0.5],
} as const;

/** A drawn healthy curve: the per-step loss and the parameters that made it. */
export interface Curve {
  /** Loss at each training step (length = steps). */
  loss: Float64Array;
  /** Per-step log-noise standard deviation. */
  noise: number;
}

/** Draws a healthy per-step loss of `steps` steps. */
export function healthyCurve(rng: Random, steps: number): Curve {
  const floor = rng.logUniform(CURVE.floor[0], CURVE.floor[1]);
  const descent = rng.logUniform(CURVE.descent[0], CURVE.descent[1]);
  const tau = rng.logUniform(CURVE.tau[0], CURVE.tau[1]) * steps;
  const noise = rng.logUniform(CURVE.noise[0], CURVE.noise[1]);
  const ar = rng.between(CURVE.ar[0], CURVE.ar[1]);
  const loss = new Float64Array(steps);
  let e = 0;
  for (let t = 0; t < steps; t++) {
    e = ar * e + Math.sqrt(1 - ar * ar) * rng.normal();
    const trend = floor * (1 + (descent - 1) * Math.exp(-t / tau));
    loss[t] = trend * Math.exp(noise * e - (noise * noise) / 2);
  }
  return { loss, noise };
}

/** How a loop turns per-step losses into logged points. */
export type Logging = "mean" | "sample";

/** Logs every k steps: the mean of the last k (HF Trainer, LLaMA-Factory) or the k-th value. */
export function logEvery(loss: Float64Array, k: number, mode: Logging): number[] {
  const out: number[] = [];
  for (let end = k; end <= loss.length; end += k) {
    if (mode === "sample") out.push(loss[end - 1]);
    else {
      let s = 0;
      for (let t = end - k; t < end; t++) s += loss[t];
      out.push(s / k);
    }
  }
  return out;
}

/** The logged noise after averaging k steps, the scale an effect must clear to be visible. */
export function loggedNoise(curve: Curve, k: number, mode: Logging): number {
  return mode === "mean" ? curve.noise / Math.sqrt(k) : curve.noise;
}
