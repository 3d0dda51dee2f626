import { positiveInteger, type Reduction, reductionExponent } from "./reduction_scale.ts";

/** The weights of one accumulation window. */
export interface AccumulationWeights {
  /** For each micro-batch, the weight its items get ÷ the weight they should get. */
  weight_ratios: number[];
  /** Σn: the items of the window. */
  total_items: number;
  /** A, the loop's divisor. */
  accumulation_steps: number;
  /** max_j |ln weight_ratio_j|: 0 when every item weighs what it should. */
  max_log_deviation: number;
}

function checkItems(items: readonly number[]): number {
  if (items.length === 0) throw new RangeError("items per micro-batch must not be empty");
  let total = 0;
  items.forEach((n, j) => {
    if (!(n > 0 && Number.isFinite(n))) {
      throw new RangeError(
        `items per micro-batch [${j}] must be a positive finite number (a micro-batch with no ` +
          `items has a NaN mean loss), found ${n}`,
      );
    }
    total += n;
  });
  return total;
}

function summarise(ratios: number[], total: number, a: number): AccumulationWeights {
  const deviation = ratios.reduce((m, x) => Math.max(m, Math.abs(Math.log(x))), 0);
  return {
    weight_ratios: ratios,
    total_items: total,
    accumulation_steps: a,
    max_log_deviation: deviation,
  };
}

/**
 * How much each item of a gradient-accumulation window weighs, relative to what it should weigh:
 * the ratios Σn/(A·n_j) of "mean per micro-batch, then ÷ A" against "Σ item losses ÷ Σn".
 *
 * The common loop computes a mean loss per micro-batch and divides it by the number of
 * accumulation steps A before `backward()`; an item of micro-batch j (n_j items) then weighs
 * 1/(A·n_j). Training on the whole window at once would give every item 1/Σn. The ratio
 *   weight_ratio_j = (1/(A·n_j)) / (1/Σn) = Σn/(A·n_j)
 * is 1 only when all micro-batches hold the same number of items: items of short micro-batches
 * (few non-padding tokens, the partial last batch) are over-weighted. Transformers ≥ 4.46 fixed
 * this in the Trainer by summing item losses and dividing by `num_items_in_batch`, the items of
 * the whole window (huggingface/transformers#34191).
 *
 * `accumulationSteps` defaults to the number of micro-batches; a last window shorter than A keeps
 * the ÷A of the loop, so it is down-weighted as a whole (Σn smaller). With a reduction of exponent
 * k ≠ 1 (see `reduction_scale.ts`) and a nominal micro-batch size B, an item of micro-batch j
 * weighs (B/n_j)^k/(A·B) of a full window's normal item weight, and should weigh 1/Σn of the
 * window: `weightRatiosForReduction` computes that general ratio. Cost O(A).
 *
 * @throws {RangeError} for an empty window, a count that is not a positive finite number, or more
 * micro-batches than `accumulationSteps`.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { accumulationWeights } from "./accumulation_weights.ts";
 * // 902 items in 4 micro-batches: 902/(4·n_j)
 * const w = accumulationWeights([181, 284, 278, 159]);
 * assertEquals(w.total_items, 902);
 * const expected = [1.2459, 0.7940, 0.8112, 1.4182];
 * expected.forEach((x, j) => assertAlmostEquals(w.weight_ratios[j], x, 1e-4));
 * ```
 */
export function accumulationWeights(
  itemsPerMicroBatch: readonly number[],
  accumulationSteps: number = itemsPerMicroBatch.length,
): AccumulationWeights {
  const total = checkItems(itemsPerMicroBatch);
  const a = positiveInteger(accumulationSteps, "accumulationSteps");
  if (itemsPerMicroBatch.length > a) {
    throw new RangeError(
      `a window holds at most accumulationSteps = ${a} micro-batches, found ` +
        `${itemsPerMicroBatch.length}`,
    );
  }
  return summarise(itemsPerMicroBatch.map((n) => total / (a * n)), total, a);
}

/**
 * The general ratio for a reduction of exponent k and nominal micro-batch size B:
 * ((B/n_j)^k/(A·B)) / (1/Σn). Equals `accumulationWeights` for k = 1. O(A).
 *
 * @throws {RangeError} as {@linkcode accumulationWeights}, and for a batch size that is not a
 * positive integer.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { weightRatiosForReduction } from "./accumulation_weights.ts";
 * // SSD's double normalisation (k = 2): the 8 items of a short micro-batch weigh 16× the others.
 * const w = weightRatiosForReduction([32, 8], {
 *   accumulationSteps: 2, batchSize: 32, reduction: "per_item_then_batch_mean",
 * });
 * assertEquals(w.weight_ratios, [0.625, 10]);
 * ```
 */
export function weightRatiosForReduction(
  itemsPerMicroBatch: readonly number[],
  options: { accumulationSteps: number; batchSize: number; reduction: Reduction | number },
): AccumulationWeights {
  const total = checkItems(itemsPerMicroBatch);
  const a = positiveInteger(options.accumulationSteps, "accumulationSteps");
  const b = positiveInteger(options.batchSize, "batchSize");
  const k = reductionExponent(options.reduction);
  return summarise(
    itemsPerMicroBatch.map((n) => (b / n) ** k * total / (a * b)),
    total,
    a,
  );
}
