/** The named reductions, in the order of their exponent k (1, 0, 0, 2). */
export const REDUCTIONS = ["mean", "sum", "fixed_divisor", "per_item_then_batch_mean"] as const;

/** One named reduction. */
export type Reduction = typeof REDUCTIONS[number];

/** The exponent k of each named reduction: a batch of b samples has loss ∝ b^(1−k). */
export const REDUCTION_EXPONENT: Readonly<Record<Reduction, number>> = {
  mean: 1,
  sum: 0,
  fixed_divisor: 0,
  per_item_then_batch_mean: 2,
};

/**
 * The exponent k of a reduction given by name or directly as a finite number.
 *
 * @throws {RangeError} for a non-finite k. @throws {TypeError} for an unknown name.
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { reductionExponent } from "./reduction_scale.ts";
 * assertEquals(reductionExponent("per_item_then_batch_mean"), 2);
 * assertEquals(reductionExponent(1.5), 1.5);
 * assertThrows(() => reductionExponent(NaN), RangeError);
 * ```
 */
export function reductionExponent(reduction: Reduction | number): number {
  if (typeof reduction === "number") {
    if (!Number.isFinite(reduction)) {
      throw new RangeError(`the reduction exponent k must be finite, found ${reduction}`);
    }
    return reduction;
  }
  const k = REDUCTION_EXPONENT[reduction];
  if (k === undefined) {
    throw new TypeError(
      `reduction must be one of ${REDUCTIONS.join(", ")}, found ${JSON.stringify(reduction)}`,
    );
  }
  return k;
}

/**
 * Checks that `value` is a positive safe integer and returns it; `name` is used in the message.
 *
 * @throws {RangeError} otherwise.
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { positiveInteger } from "./reduction_scale.ts";
 * assertEquals(positiveInteger(32, "batchSize"), 32);
 * assertThrows(() => positiveInteger(0.5, "batchSize"), RangeError, "batchSize must be");
 * ```
 */
export function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, found ${value}`);
  }
  return value;
}

/**
 * The expected loss of a batch of `lastBatchSize` samples divided by that of a full batch of
 * `batchSize`, under `reduction` (a name or the exponent k): `(r/B)^(1−k)`. How a loss reduction
 * makes the loss of a batch depend on its size: loss ∝ b^(1−k).
 *
 * Write the per-sample losses ℓ₁…ℓ_b of a batch, with E[ℓᵢ] = μ. Every reduction people use is
 * "sum the per-sample losses, then divide by something":
 *
 * | reduction | what the code does | E[loss] | k |
 * |---|---|---|---|
 * | `mean` | `Σℓ / b` (PyTorch `reduction="mean"`, Keras' default) | μ | 1 |
 * | `sum` | `Σℓ` (`reduction="sum"`) | bμ | 0 |
 * | `fixed_divisor` | `Σℓ / C`, C a constant (e.g. the nominal batch size) | bμ/C | 0 |
 * | `per_item_then_batch_mean` | `Σℓ / n_items / b`, n_items ∝ b (SSD's boxes, Keras ÷ b) | μ/(cb) | 2 |
 *
 * so E[loss] ∝ b^(1−k), and the last batch of r samples, against a full one of B, has
 * `loss_scale = (r/B)^(1−k)`: 1 for a mean (unbiased), r/B for a sum (a dip), B/r for the double
 * normalisation of the Keras-SSD report (a spike). The last column is the exponent k, a real
 * number underneath, so a measured ratio can be turned back into k (see `infer_reduction.ts`).
 * In expectation only: a per-batch item count n_items is random, and E[1/n] ≥ 1/E[n] (Jensen), so
 * the measured ratio of a `per_item_then_batch_mean` loss runs slightly above B/r.
 * Cost O(1).
 *
 * Returns exactly 1 when r = B (whatever k) and for k = 1 (whatever r).
 *
 * @throws {RangeError} when a size is not a positive integer, r > B, or k is not finite.
 * @throws {TypeError} for an unknown reduction name.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { reductionScale } from "./reduction_scale.ts";
 * const sizes = { batchSize: 32, lastBatchSize: 8 };
 * assertEquals(reductionScale({ ...sizes, reduction: "per_item_then_batch_mean" }), 4);
 * assertEquals(reductionScale({ ...sizes, reduction: "sum" }), 0.25);
 * assertEquals(reductionScale({ ...sizes, reduction: "mean" }), 1);
 * assertEquals(reductionScale({ ...sizes, reduction: 1.5 }), 2); // (8/32)^(−0.5)
 * ```
 */
export function reductionScale(
  options: { batchSize: number; lastBatchSize: number; reduction: Reduction | number },
): number {
  const batchSize = positiveInteger(options.batchSize, "batchSize");
  const lastBatchSize = positiveInteger(options.lastBatchSize, "lastBatchSize");
  if (lastBatchSize > batchSize) {
    throw new RangeError(
      `lastBatchSize must be at most batchSize = ${batchSize}, found ${lastBatchSize}`,
    );
  }
  const k = reductionExponent(options.reduction);
  if (lastBatchSize === batchSize || k === 1) return 1;
  return (lastBatchSize / batchSize) ** (1 - k);
}
