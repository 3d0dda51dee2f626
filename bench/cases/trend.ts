/**
 * The slow part of a loss curve (its level before noise and causes), one value per training step.
 *
 * Shapes seen in practice: a power-law decay a·(1 + t/t0)^−α + c (the usual shape of a training
 * loss against steps, Kaplan et al. 2020), an exponential decay, a warm-up plateau followed by a
 * decay, step drops of the learning-rate schedule (each drop lowers the loss within a few dozen
 * steps), and a flat curve (a run resumed near convergence). The scale is drawn over six decades:
 * a cross-entropy near 1, an MSE near 1e-3, a summed loss near 1e3. O(T).
 */
import type { Random } from "./random.ts";

/** The trend shapes the generator knows. */
export const TREND_SHAPES = ["power", "exp", "warmup", "lr-drops", "flat"] as const;
export type TrendShape = typeof TREND_SHAPES[number];

/** A trend: the level per step and the parameters that made it. */
export interface Trend {
  level: Float64Array;
  shape: TrendShape;
  /** Steps where a learning-rate drop starts (lr-drops only). */
  drops: number[];
}

/** Draws a trend of `steps` steps; `shape` picks the family (drawn when absent). */
export function makeTrend(random: Random, steps: number, shape?: TrendShape): Trend {
  const kind = shape ?? random.pick(["power", "power", "exp", "warmup", "lr-drops", "flat"]);
  const scale = random.logUniform(1e-3, 1e3);
  const floor = scale * random.uniform(0.05, 1);
  const height = floor * random.logUniform(0.5, 20);
  const level = new Float64Array(steps);
  const drops: number[] = [];
  if (kind === "flat") {
    level.fill(floor);
  } else if (kind === "exp") {
    const tau = steps * random.uniform(0.05, 0.5);
    for (let t = 0; t < steps; t++) level[t] = floor + height * Math.exp(-t / tau);
  } else {
    const alpha = random.uniform(0.3, 1.5);
    const t0 = random.logUniform(10, Math.max(20, steps / 10));
    const plateau = kind === "warmup" ? Math.round(steps * random.uniform(0.02, 0.15)) : 0;
    for (let t = 0; t < steps; t++) {
      const s = Math.max(0, t - plateau);
      level[t] = floor + height * Math.pow(1 + s / t0, -alpha);
    }
    if (kind === "lr-drops") {
      const count = random.integer(1, 3);
      const fractions = [0.3, 0.5, 0.6, 0.75, 0.85, 0.9];
      const chosen = new Set<number>();
      while (chosen.size < count) chosen.add(random.pick(fractions));
      for (const f of [...chosen].sort()) {
        const at = Math.round(steps * (f + random.uniform(-0.03, 0.03)));
        const factor = random.uniform(0.3, 0.8);
        const settle = random.logUniform(3, 50);
        drops.push(at);
        for (let t = at; t < steps; t++) {
          level[t] *= factor + (1 - factor) * Math.exp(-(t - at) / settle);
        }
      }
    }
  }
  return { level, shape: kind as TrendShape, drops };
}
