/**
 * `last-batch-spike`: the loss spikes at the last, partial batch of every epoch (warning; as
 * information when a logged point also holds the next epoch's first step and that is likelier).
 *
 * @example
 * ```ts
 * lastBatchSpike.explain(evidence)?.remedies[0]; // drop_last=True …
 * ```
 */
import type { Rule } from "./evidence.ts";
import { lastBatchRule } from "./last_batch.ts";

export const lastBatchSpike: Rule = {
  id: "last-batch-spike",
  explain: (e) => lastBatchRule(e, true),
};
