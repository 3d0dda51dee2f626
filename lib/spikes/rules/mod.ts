/**
 * The diagnosis rules of the spike analysis, one per finding id, in the groups their findings
 * are reported in: the loss's health, the period's cause, the spikes with no period, the trend
 * (the eval loss's, the training loss's rise and its blow-ups).
 * Within a group the more severe finding comes first (a period's reading before its
 * alternative).
 */
import { divergence } from "./divergence.ts";
import type { Rule } from "./evidence.ts";
import { epochAverageLogging } from "./epoch_average_logging.ts";
import { epochStartDrop } from "./epoch_start_drop.ts";
import { epochStartSpike } from "./epoch_start_spike.ts";
import { isolatedSpikes } from "./isolated_spikes.ts";
import { lastBatchDip } from "./last_batch_dip.ts";
import { lastBatchSpike } from "./last_batch_spike.ts";
import { nonFiniteLoss } from "./non_finite_loss.ts";
import { overfittingRule } from "./overfitting.ts";
import { periodicSpikes } from "./periodic_spikes.ts";
import { risingLoss } from "./rising_loss.ts";
import { transientInstability } from "./transient_instability.ts";
import { unshuffledData } from "./unshuffled_data.ts";

export type { Evidence, PeriodReading, Rule } from "./evidence.ts";
export { explainLastBatch } from "./last_batch.ts";

/**
 * The rules, grouped as their findings are reported.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RULE_GROUPS } from "./mod.ts";
 * assertEquals(RULE_GROUPS[0].map((rule) => rule.id), ["non-finite-loss"]); // the loss's health first
 * ```
 */
export const RULE_GROUPS: readonly (readonly Rule[])[] = [
  [nonFiniteLoss],
  [
    lastBatchSpike,
    lastBatchDip,
    epochStartSpike,
    epochAverageLogging,
    epochStartDrop,
    unshuffledData,
    periodicSpikes,
  ],
  [isolatedSpikes],
  [overfittingRule, risingLoss, divergence, transientInstability],
];
