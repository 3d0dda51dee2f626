import { accumulationWeights } from "./accumulation_weights.ts";

/** The weights of the ranks' items, and the bias of the mean of means when losses are given. */
export interface RankWeights {
  /** The items each rank averages over, as given. */
  items_per_rank: number[];
  /** Weight an item of each rank gets ÷ the weight it should get: Σn/(W·n_r). */
  weight_ratios: number[];
  /** max_r |ln weight_ratio_r|. */
  max_log_deviation: number;
  /** (1/W)Σm_r, null without rank losses. */
  mean_of_means: number | null;
  /** Σn_r·m_r/Σn, null without rank losses. */
  item_mean: number | null;
  /** mean_of_means / item_mean − 1, null without rank losses. */
  bias: number | null;
}

/**
 * What a mean per rank, then a mean over ranks, does when the ranks hold unequal numbers of items
 * (tokens, atoms, the examples of an uneven last batch): the weights of `itemsPerRank` and, with
 * `rankLosses` (each rank's mean loss), the bias of the mean of means.
 *
 * Rank r averages its n_r items; averaging the W rank means gives each item of rank r the weight
 * 1/(W·n_r) instead of 1/Σn, a ratio Σn/(W·n_r) (the same arithmetic as `accumulation_weights.ts`,
 * across ranks instead of micro-batches). DDP's gradient all-reduce averages the ranks' gradients
 * the same way. With the ranks' mean losses m_r the logged value is (1/W)Σm_r where the items' mean
 * is Σn_r·m_r/Σn: accelerate#956 (means 2 and 4 over 2 and 1 items: 3 against 2.67, +12.5 %),
 * fairchem#269 (atoms per replica). The remedy that works is to all-reduce the sums and the counts,
 * then divide; a scalar already averaged on each rank cannot be fixed afterwards, which is why
 * `gather_for_metrics` on it fails (trl#7010: ±10 % on the final batch). O(W).
 *
 * @throws {RangeError} for counts {@linkcode accumulationWeights} refuses, or rank losses that are
 * not one finite number per rank.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { rankWeights } from "./rank_weights.ts";
 * const w = rankWeights([2, 1], [2, 4]);
 * assertEquals(w.weight_ratios, [0.75, 1.5]);
 * assertEquals(w.mean_of_means, 3);
 * assertAlmostEquals(w.item_mean!, 8 / 3, 1e-12);
 * assertAlmostEquals(w.bias!, 0.125, 1e-12);
 * ```
 */
export function rankWeights(
  itemsPerRank: readonly number[],
  rankLosses?: readonly number[],
): RankWeights {
  const w = accumulationWeights(itemsPerRank);
  const out: RankWeights = {
    items_per_rank: [...itemsPerRank],
    weight_ratios: w.weight_ratios,
    max_log_deviation: w.max_log_deviation,
    mean_of_means: null,
    item_mean: null,
    bias: null,
  };
  if (rankLosses === undefined) return out;
  if (rankLosses.length !== itemsPerRank.length) {
    throw new RangeError(
      `rank losses must give one mean per rank (${itemsPerRank.length}), found ${rankLosses.length}`,
    );
  }
  if (!rankLosses.every(Number.isFinite)) {
    throw new RangeError("rank losses must be finite numbers");
  }
  const meanOfMeans = rankLosses.reduce((s, m) => s + m, 0) / rankLosses.length;
  const itemMean = rankLosses.reduce((s, m, r) => s + m * itemsPerRank[r], 0) / w.total_items;
  out.mean_of_means = meanOfMeans;
  out.item_mean = itemMean;
  out.bias = itemMean === 0 ? null : meanOfMeans / itemMean - 1;
  return out;
}
