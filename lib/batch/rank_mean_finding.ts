import type { Finding } from "../findings/mod.ts";
import { formatFactor, formatNumber } from "./format.ts";
import type { LastBatchComputed } from "./last_batch.ts";
import { severityOfFactor } from "./severity.ts";

/** Below a 1 % weight deviation the ranks count as even. */
const NEGLIGIBLE_LOG_DEVIATION = Math.log(1.01);

const list = (xs: readonly number[], f: (x: number) => string) =>
  xs.slice(0, 8).map(f).join(", ") + (xs.length > 8 ? ", …" : "");

/**
 * The `uneven-rank-mean` finding, or null without per-rank counts or when they are even within 1 %:
 * a loss (or metric) averaged on each rank, then averaged over ranks, when the
 * ranks hold unequal numbers of items (see `rank_weights.ts`). Severity from the largest item-weight
 * deviation: ≥ 25 % a warning, from 1 % an info; with the ranks' losses, the measured bias of the
 * mean of means instead (accelerate#956: +12.5 %). The remedy is the one that works on any split:
 * all-reduce the sums and the counts, then divide; `gather_for_metrics` only de-duplicates
 * per-example tensors, never a scalar already averaged on its rank (trl#7010). Cost O(W).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastBatch } from "./last_batch.ts";
 * import { rankMeanFinding } from "./rank_mean_finding.ts";
 * // accelerate#956: means 2 and 4 over 2 and 1 items, 3 logged against 2.67 (+12.5 %).
 * const a = lastBatch({
 *   datasetSize: 3, batchSize: 2, reduction: "mean", worldSize: 2,
 *   itemsPerRank: [2, 1], rankLosses: [2, 4],
 * });
 * assertEquals(rankMeanFinding(a)?.severity, "warning");
 * const even = lastBatch({
 *   datasetSize: 4, batchSize: 2, reduction: "mean", worldSize: 2, itemsPerRank: [2, 2],
 * });
 * assertEquals(rankMeanFinding(even), null);
 * ```
 */
export function rankMeanFinding(a: LastBatchComputed): Finding | null {
  const ranks = a.ranks;
  if (!ranks || ranks.max_log_deviation <= NEGLIGIBLE_LOG_DEVIATION) return null;
  const total = ranks.items_per_rank.reduce((s, n) => s + n, 0);
  const w = ranks.items_per_rank.length;
  const measured = ranks.bias === null
    ? ""
    : ` With the ranks' means ${formatNumber(ranks.mean_of_means!)} is logged where the ` +
      `items' mean is ${formatNumber(ranks.item_mean!)}: ${ranks.bias >= 0 ? "+" : ""}` +
      `${formatNumber(ranks.bias * 100)} %.`;
  const factor = ranks.bias === null ? Math.exp(ranks.max_log_deviation) : 1 + Math.abs(ranks.bias);
  const deviationSeverity = ranks.max_log_deviation >= Math.log(1.25) ? "warning" : "info";
  return {
    id: "uneven-rank-mean",
    // the larger of what the weights allow and what the ranks' losses show
    severity: ranks.bias === null || deviationSeverity === "warning"
      ? deviationSeverity
      : severityOfFactor(factor),
    title: `A mean per rank, then over ${w} ranks, weighs their items unequally`,
    evidence: `The ranks hold ${list(ranks.items_per_rank, String)} items: averaging each rank, ` +
      `then the ${w} averages, gives each item of a rank ${
        list(ranks.weight_ratios, formatFactor)
      } of the correct 1/${formatNumber(total)} (DDP's gradient all-reduce averages the same ` +
      `way).${measured}`,
    remedies: [
      "All-reduce the sums and the counts, then divide: `stats = torch.stack([loss_sum, " +
      "count.float()]); torch.distributed.all_reduce(stats); loss = stats[0] / stats[1]` " +
      "(`loss_sum = per_item_loss.sum()`, `count` the rank's items).",
      "For the training gradient: `loss = per_item_loss.sum() * world_size / global_count`, with " +
      "`global_count` the all-reduced item count, since DDP divides the summed gradients by " +
      "world_size.",
      "Accelerate: gather per-example values, never a scalar reduced on its rank: " +
      "`accelerator.gather_for_metrics(per_item_loss)` removes the padding of the last batch " +
      "only from a tensor with a batch dimension.",
    ],
  };
}
