import { positiveInteger } from "./reduction_scale.ts";

/** How each micro-batch loss is divided before backward. */
export const GRAD_ACCUM_LOSSES = ["mean", "sum", "mean_twice"] as const;

/** One of {@linkcode GRAD_ACCUM_LOSSES}. */
export type GradAccumLoss = typeof GRAD_ACCUM_LOSSES[number];

/** The factors on the window's loss and gradient against the correct ÷K. */
export interface AccumulationNormalization {
  /** How each micro-batch loss was divided. */
  mode: GradAccumLoss;
  /** The window's logged loss ÷ its mean: K for `sum`, 1/K for `mean_twice`. */
  loss_factor: number;
  /** The same for the accumulated gradient. */
  grad_factor: number;
}

/**
 * What the division of each micro-batch loss does to the loss and the gradient of an accumulation
 * window of K = `accumulationSteps` micro-batches: their factors under `mode`.
 *
 * The correct loop divides each micro-batch loss by K before `backward()` (`"mean"`, PyTorch's AMP
 * recipe): the accumulated gradient is that of the mean over the window, and the logged loss is the
 * window's mean. Not dividing (`"sum"`) makes both K× too large: axolotl#2262 ("BS1GA8 is ~8x
 * larger than BS8GA1"), transformers#35207 (K = 2: loss 21.19 against 10.59, grad_norm 376.6
 * against 188.3), LLaMA-Factory#7443 (K = 2, 4, 16, 32: initial losses 6.4, 13.65, 69, 138).
 * Dividing twice (`"mean_twice"`: the framework divides and so does the user's code, or a loss
 * already divided by the window's item count is divided by K again) makes both 1/K. With SGD the
 * factor is the learning rate's; Adam divides it out of the update (up to ε) but not out of the
 * logged loss, the gradient norm or gradient clipping. O(1).
 *
 * @throws {RangeError} when `accumulationSteps` is not a positive integer.
 * @throws {TypeError} for a mode outside {@linkcode GRAD_ACCUM_LOSSES}.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { accumulationNormalization } from "./accumulation_normalization.ts";
 * assertEquals(accumulationNormalization("sum", 8), {
 *   mode: "sum", loss_factor: 8, grad_factor: 8,
 * });
 * assertEquals(accumulationNormalization("mean_twice", 4).grad_factor, 0.25);
 * assertEquals(accumulationNormalization("mean", 4).loss_factor, 1);
 * ```
 */
export function accumulationNormalization(
  mode: GradAccumLoss,
  accumulationSteps: number,
): AccumulationNormalization {
  const k = positiveInteger(accumulationSteps, "accumulationSteps");
  const factor = { mean: 1, sum: k, mean_twice: 1 / k }[mode];
  if (factor === undefined) {
    throw new TypeError(
      `gradAccumLoss must be one of ${GRAD_ACCUM_LOSSES.join(", ")}, found ${JSON.stringify(mode)}`,
    );
  }
  return { mode, loss_factor: factor, grad_factor: factor };
}
