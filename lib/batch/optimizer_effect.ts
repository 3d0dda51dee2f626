/** The optimizer, as the request describes it. */
export interface OptimizerConfig {
  /** Which of PyTorch's optimizers. */
  type: "sgd" | "adam" | "adamw";
  /** SGD momentum β (PyTorch default 0). */
  momentum?: number;
  /** Adam β1 (default 0.9). */
  beta1?: number;
  /** Adam β2 (default 0.999). */
  beta2?: number;
}

/** The optimizer's answer to one update spike. */
export interface OptimizerEffect {
  /** The optimizer, as given. */
  type: "sgd" | "adam" | "adamw";
  /** The gradient factor s of the bad step. */
  spike_factor: number;
  /** Update at the bad step ÷ a normal update. */
  spike_update_ratio: number;
  /** Steps after the bad one whose update is still off by more than `threshold`. */
  tail_steps: number;
  /** The most extreme ratio after the bad step in the other direction (Adam's damping), else 1. */
  rebound_update_ratio: number;
  /** Steps after the bad one whose update is damped below 1 − threshold (Adam's inflated v). */
  damped_steps: number;
  /** Σ_t (update_t/normal − 1) from the bad step on: the extra distance, in normal steps. */
  extra_displacement_normal_steps: number;
  /** SGD only: the same in plain gradient steps lr·g, (s−1)/(1−β): momentum's 1/(1−β). */
  extra_displacement_gradient_steps?: number;
  /** SGD's momentum β used (default filled in). */
  momentum?: number;
  /** Adam's β1 used (default filled in). */
  beta1?: number;
  /** Adam's β2 used (default filled in). */
  beta2?: number;
}

const MAX_STEPS = 10_000_000;

function checkBeta(value: number, name: string): number {
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(`${name} must be in [0, 1), found ${value}`);
  }
  if (Math.log(1e-9) / Math.log(value) > MAX_STEPS) {
    throw new RangeError(`${name} = ${value} is too close to 1 to follow its decay`);
  }
  return value;
}

/**
 * What the optimizer does with one bad gradient (`spikeFactor` times a normal one): how large the
 * spiking update is against a normal one, and for how many following steps the optimizer's memory
 * keeps the updates off.
 *
 * Model: in steady state every step sees the gradient g; at step 0 it sees s·g (s = the gradient
 * scale of the last batch), then g again. The moment recursions are iterated exactly as PyTorch
 * writes them, and each update is divided by the steady-state update:
 * - SGD with momentum β (`torch/optim/sgd.py`, dampening 0): buf ← β·buf + g, Δθ = −lr·buf. The
 *   surplus (s−1)·g enters buf and decays as β^t: update_t/normal = 1 + (s−1)(1−β)β^t. The spike
 *   step itself is only 1 + (s−1)(1−β) times a normal one, but the extra displacement adds up to
 *   (s−1) normal steps = (s−1)/(1−β) plain gradient steps: momentum spreads the bad step over
 *   ≈ ln(0.1)/ln β following steps (22 for β = 0.9) rather than damping it.
 * - Adam/AdamW (Kingma & Ba 2015; `torch/optim/adam.py`), per coordinate, late in training (bias
 *   corrections ≈ 1, ε ≪ √v): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², Δθ ∝ m/√v. The spike
 *   update is (β1 + (1−β1)s)/√(β2 + (1−β2)s²) of a normal one; afterwards m returns within
 *   ≈ 1/(1−β1) steps while v, inflated by (1−β2)(s²−1), returns only within ≈ 1/(1−β2) steps,
 *   so the following updates are damped by ≈ 1/√(1 + (1−β2)(s²−1)β2^t). AdamW's decoupled weight
 *   decay does not see the gradient and changes nothing here. Early in training (step t with
 *   β2^t not small) the bias correction divides the surplus of v by 1 − β2^t: the damping is
 *   then stronger than computed here.
 * For s < 1 (a dip) the same formulas give a deficit and, for Adam, slightly amplified updates.
 *
 * Counts use `threshold` (default 0.1): a step is "off" when |update/normal − 1| > threshold.
 * Cost O(T), T the number of steps until the surplus is below 1e−9 of its start (≈ 20/(1−β2) for
 * Adam); capped at 10⁷ steps (β2 ≥ 1 − 2·10⁻⁶ is refused).
 *
 * @throws {RangeError} for a spike factor that is not finite and ≥ 0, a threshold that is not
 * positive, or a β outside [0, 1) (or too close to 1). @throws {TypeError} for an unknown type.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { optimizerEffect } from "./optimizer_effect.ts";
 * const sgd = optimizerEffect({ optimizer: { type: "sgd", momentum: 0.9 }, spikeFactor: 4 });
 * assertAlmostEquals(sgd.spike_update_ratio, 1.3, 1e-12); // 1 + (4 − 1)(1 − 0.9)
 * assertEquals(sgd.tail_steps, 10); // 0.3·0.9^t > 0.1 up to t = 10
 * assertAlmostEquals(sgd.extra_displacement_gradient_steps!, 30, 1e-9); // (s − 1)/(1 − β)
 * const adam = optimizerEffect({ optimizer: { type: "adam" }, spikeFactor: 4 });
 * assertAlmostEquals(adam.spike_update_ratio, 1.29, 0.001); // (0.9 + 0.1·4)/√(0.999 + 0.001·16)
 * assertEquals(adam.tail_steps, 9);
 * ```
 */
export function optimizerEffect(options: {
  optimizer: OptimizerConfig;
  spikeFactor: number;
  threshold?: number;
}): OptimizerEffect {
  const settings = settingsOf(options);
  const walk = followSpike(settings);
  const { sgd, beta, beta1, beta2 } = settings;
  const result: OptimizerEffect = {
    type: options.optimizer.type,
    spike_factor: settings.s,
    spike_update_ratio: walk.first,
    tail_steps: walk.tail,
    rebound_update_ratio: walk.rebound,
    damped_steps: walk.damped,
    extra_displacement_normal_steps: walk.extra,
  };
  if (sgd) {
    result.extra_displacement_gradient_steps = walk.extra * walk.normal;
    result.momentum = beta;
  } else Object.assign(result, { beta1, beta2 });
  return result;
}

/** The checked settings: the spike factor, the threshold, and the betas with defaults filled in. */
interface Settings {
  s: number;
  threshold: number;
  sgd: boolean;
  /** SGD's momentum (0 for Adam). */
  beta: number;
  /** Adam's β1 and β2 (0 for SGD). */
  beta1: number;
  beta2: number;
}

function settingsOf(options: {
  optimizer: OptimizerConfig;
  spikeFactor: number;
  threshold?: number;
}): Settings {
  const { optimizer, spikeFactor: s } = options;
  const threshold = options.threshold ?? 0.1;
  if (!(s >= 0 && Number.isFinite(s))) {
    throw new RangeError(`spikeFactor must be a finite number ≥ 0, found ${s}`);
  }
  if (!(threshold > 0 && Number.isFinite(threshold))) {
    throw new RangeError(`threshold must be a positive number, found ${threshold}`);
  }
  const sgd = optimizer.type === "sgd";
  if (!sgd && optimizer.type !== "adam" && optimizer.type !== "adamw") {
    throw new TypeError(`optimizer.type must be sgd, adam or adamw, found ${optimizer.type}`);
  }
  const beta = sgd ? checkBeta(optimizer.momentum ?? 0, "momentum") : 0;
  const beta1 = sgd ? 0 : checkBeta(optimizer.beta1 ?? 0.9, "beta1");
  const beta2 = sgd ? 0 : checkBeta(optimizer.beta2 ?? 0.999, "beta2");
  return { s, threshold, sgd, beta, beta1, beta2 };
}

/**
 * The moment recursions iterated from the spike on, until the optimizer's memory is back to its
 * steady state: the spike's update ratio, the last step still off, the damped steps, the rebound
 * and the extra distance (in normal steps); `normal` is the steady-state update.
 */
function followSpike({ s, threshold, sgd, beta, beta1, beta2 }: Settings) {
  // Steady state, gradient 1 per coordinate: SGD buf = 1/(1−β), Adam m = v = 1.
  const normal = sgd ? 1 / (1 - beta) : 1;
  let buf = normal, m = 1, v = 1;
  const spikeUp = s >= 1;
  let first = NaN, damped = 0, rebound = 1, extra = 0, lastOff = -1;
  for (let t = 0; t < MAX_STEPS; t++) {
    const g = t === 0 ? s : 1;
    let ratio: number;
    if (sgd) {
      buf = beta * buf + g;
      ratio = buf / normal;
    } else {
      m = beta1 * m + (1 - beta1) * g;
      v = beta2 * v + (1 - beta2) * g * g;
      ratio = m / Math.sqrt(v);
    }
    extra += ratio - 1;
    if (t === 0) {
      first = ratio;
      continue;
    }
    if (Math.abs(ratio - 1) > threshold) lastOff = t;
    if (spikeUp ? ratio < 1 - threshold : ratio > 1 + threshold) damped++;
    if (spikeUp ? ratio < rebound : ratio > rebound) rebound = ratio;
    if (
      Math.abs(m - 1) < 1e-12 && Math.abs(v - 1) < 1e-12 && Math.abs(buf - normal) < 1e-12 * normal
    ) {
      break;
    }
  }
  return { normal, first, tail: lastOff < 0 ? 0 : lastOff, damped, rebound, extra };
}
