import type { Finding } from "../findings/mod.ts";
import { formatFactor, formatNumber } from "./format.ts";
import type { LastBatchComputed } from "./last_batch.ts";
import { severityOfFactor } from "./severity.ts";

function remedies(b: number, kind: string): string[] {
  const what = kind === "pairwise" ? "partners" : "negatives";
  return [
    `\`DataLoader(train_set, batch_size=${b}, shuffle=True, drop_last=True)\`: every batch then ` +
    `has ${b - 1} ${what}, and the loss keeps one scale.`,
    "Hugging Face: `TrainingArguments(..., dataloader_drop_last=True)`.",
    "With several ranks, gather the other ranks' embeddings as negatives " +
    "(`torch.distributed.nn.all_gather(k)`, differentiable) so each step sees W·B − 1 of them; " +
    "or keep a fixed-size queue of negatives (MoCo: `queue = torch.cat([k, queue])[:K]`).",
    "Compare losses only at equal batch sizes: evaluate with the training batch size and " +
    "`drop_last=True`, since ln B is the loss at chance.",
  ];
}

/**
 * The `batch-size-dependent-loss` finding of a loss whose items depend on their batch, or null when
 * the item losses do not depend on the batch or every batch is full. Such losses are: in-batch
 * negatives (InfoNCE, CLIP) or pairs (see `per_item_scale.ts`). A smaller last batch then scores
 * lower for lack of negatives or partners, whatever the reduction: a dip every epoch, and a batch of
 * one has no negative at all (loss exactly 0, no gradient: openai/CLIP#83). Severity from the loss
 * factor like every last-batch factor; a batch size of 1 is `critical` (nothing is learned).
 * Cost O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastBatch } from "./last_batch.ts";
 * import { perItemFinding } from "./per_item_finding.ts";
 * // 1000 = 15 × 64 + 40: the last batch has 39 negatives instead of 63.
 * const a = lastBatch({
 *   datasetSize: 1000, batchSize: 64, reduction: "mean", perItemLoss: "in_batch_negatives",
 * });
 * const finding = perItemFinding(a);
 * assertEquals(finding?.title, "With in-batch negatives a smaller batch has an easier loss");
 * assertEquals(finding?.severity, "info"); // ln 40/ln 64 = 0.887×
 * ```
 */
export function perItemFinding(a: LastBatchComputed): Finding | null {
  const p = a.per_item_loss, b = a.batch_size, r = a.last_batch_size;
  if (p.kind === "independent") return null;
  const what = p.kind === "pairwise" ? "pairs" : "in-batch negatives";
  if (b === 1) {
    return {
      id: "batch-size-dependent-loss",
      severity: "critical",
      title: `A batch of 1 has no ${what}: the loss is 0 and nothing is learned`,
      evidence: `With ${what} an item's loss needs the other items of its batch; at ` +
        "batch_size 1 there are none, so the loss is exactly 0 and its gradient is 0.",
      remedies: [
        "Train with a batch of many items, e.g. `DataLoader(train_set, batch_size=64, " +
        "shuffle=True, drop_last=True)`: the loss at chance is ln B, and more negatives teach more.",
        "If memory is short, gather negatives over ranks (`torch.distributed.nn.all_gather(k)`) " +
        "or keep a queue of past embeddings (MoCo: `queue = torch.cat([k, queue])[:K]`).",
      ],
    };
  }
  if (!a.partial_last_batch) return null;
  const range = p.loss_range[0] === p.loss_range[1]
    ? ""
    : ` (${formatFactor(p.loss_range[0])} for a converged model to ${
      formatFactor(p.loss_range[1])
    } at chance, ln ${r}/ln ${b})`;
  const one = r === 1
    ? " A last batch of 1 has no negative: its loss is exactly 0, no gradient."
    : "";
  return {
    id: "batch-size-dependent-loss",
    severity: r === 1 ? "warning" : severityOfFactor(a.loss_scale),
    title: p.kind === "pairwise"
      ? "With pairwise item losses a smaller batch has a smaller loss"
      : "With in-batch negatives a smaller batch has an easier loss",
    evidence: `Each item of a batch of b is scored against the b − 1 others. The last batch ` +
      `(${r} of ${b}) has ${r - 1} instead of ${b - 1}: its item loss is ` +
      `${formatFactor(p.loss_factor)} a full batch's${range}, so the logged loss dips every ` +
      `epoch by ${formatNumber((1 - a.loss_scale) * 100, 2)} % and the gradient of its logits is ` +
      `${formatFactor(p.grad_factor)}. A \`mean\` over items does not undo this: it is the items ` +
      `themselves that change.${one}`,
    remedies: remedies(b, p.kind),
  };
}
