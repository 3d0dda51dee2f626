/**
 * `last-batch-dip`: the loss dips at the last, partial batch of every epoch — a summed loss
 * (warning; as information when the epoch's first step is the likelier reading).
 *
 * @example
 * ```ts
 * lastBatchDip.explain(evidence)?.remedies[0]; // reduction='mean' …
 * ```
 */
import type { Rule } from "./evidence.ts";
import { lastBatchRule } from "./last_batch.ts";

export const lastBatchDip: Rule = {
  id: "last-batch-dip",
  explain: (e) => lastBatchRule(e, false),
};
