import type { Finding, Severity } from "../findings/mod.ts";
import { formatFactor, formatNumber } from "./format.ts";
import type { LastBatchComputed } from "./last_batch.ts";
import { severityOfFactor } from "./severity.ts";

type Accumulation = NonNullable<LastBatchComputed["accumulation"]>;

/** Below this deviation (1 %) an item weight counts as right. */
const NEGLIGIBLE_LOG_DEVIATION = Math.log(1.01);
/** From this deviation (25 %) a weight is a warning, as for a last batch's loss factor. */
const WARNING_LOG_DEVIATION = Math.log(1.25);

/** At most the first 8 values, formatted, with "…" when there are more. */
function list(values: readonly number[], format: (x: number) => string): string {
  return values.slice(0, 8).map(format).join(", ") + (values.length > 8 ? ", …" : "");
}

const maxLogDeviation = (xs: readonly number[]) =>
  // reduce, not Math.max(...): a window of 10⁶ micro-batches would overflow the call stack
  xs.reduce((m, x) => Math.max(m, Math.abs(Math.log(x))), 0);

function normalizationPart(acc: Accumulation) {
  const { mode, loss_factor: f } = acc.normalization;
  const k = acc.accumulation_steps;
  if (mode === "mean" || f === 1) return null;
  const title = mode === "sum"
    ? `Gradient accumulation sums ${k} micro-batch losses: loss and gradient ${
      formatFactor(f)
    } too large`
    : `Gradient accumulation divides by ${k} twice: loss and gradient ${formatFactor(f)} (1/${k})`;
  const evidence =
    (mode === "sum"
      ? `Each of the ${k} micro-batch losses is backpropagated without \`/ ${k}\`, `
      : `Each micro-batch loss is divided by ${k} and then by ${k} again, `) +
    `so the window's loss and gradient are ${formatFactor(f)} those of its mean. With SGD that ` +
    `multiplies the learning rate by ${
      formatNumber(f)
    }; Adam divides it out of the update (up to ` +
    "ε) but not out of the logged loss, the gradient norm or `clip_grad_norm_`.";
  const remedies = mode === "sum"
    ? [
      `Divide each micro-batch loss once: \`loss = loss / ${k}\` (\`grad_accum_steps\`) before ` +
      "`loss.backward()`, as PyTorch's gradient-accumulation recipe does.",
      "Accelerate: `with accelerator.accumulate(model):` and `accelerator.backward(loss)`, which " +
      "divide by `gradient_accumulation_steps` for you. Hugging Face Trainer: `pip install -U " +
      '"transformers>=4.47.1"` (transformers#35207 scaled the loss before backward).',
    ]
    : [
      "Divide once: remove your own `loss = loss / grad_accum_steps` when the framework already " +
      "divides (`accelerator.backward(loss)` divides by `gradient_accumulation_steps`), or when " +
      "the loss is already a sum over the window's items divided by `num_items_in_batch`.",
    ];
  return { title, evidence, remedies, severity: severityOfFactor(f) };
}

function itemsPart(acc: Accumulation, itemsPerMicroBatch: readonly number[]) {
  if (!acc.items || acc.items.max_log_deviation <= NEGLIGIBLE_LOG_DEVIATION) return null;
  return {
    title: "Gradient accumulation weighs items unequally",
    evidence: `Micro-batches of ${list(itemsPerMicroBatch, String)} items averaged separately ` +
      `and divided by ${acc.accumulation_steps} weigh their items ` +
      `${list(acc.items.weight_ratios, formatFactor)} of the correct ` +
      `1/${formatNumber(acc.items.total_items)}.`,
    deviation: acc.items.max_log_deviation,
  };
}

function lastWindowPart(acc: Accumulation, a: LastBatchComputed) {
  const w = acc.last_window;
  if (!w || maxLogDeviation(w.weight_ratios) <= NEGLIGIBLE_LOG_DEVIATION) return null;
  const m = w.micro_batch_sizes.length, k = acc.accumulation_steps;
  return {
    title:
      (m < k
        ? `The last accumulation window of each epoch holds ${m} of ${k} micro-batches`
        : `The last accumulation window of each epoch ends on a batch of ${a.last_batch_size} of ` +
          `${a.batch_size}`) + `: its gradient is ${formatFactor(w.grad_scale)} a normal window's`,
    evidence:
      `The epoch's last window holds micro-batches of ${list(w.micro_batch_sizes, String)} ` +
      `samples: per-sample weights ${list(w.weight_ratios, formatFactor)} of a window mean; the ` +
      `window's gradient is ${formatFactor(w.grad_scale)} a normal one.`,
    deviation: maxLogDeviation(w.weight_ratios),
  };
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * The `grad-accum-normalization` finding, or null when every item of every window weighs what it
 * should: what gradient accumulation does to the weight of items,
 * from three causes, each with its own evidence and the title of the most serious one present:
 * 1. the micro-batch losses are not divided by K, or divided twice (`accumulation_normalization.ts`):
 *    loss and gradient K× or 1/K× (axolotl#2262, transformers#35207, LLaMA-Factory#7443);
 * 2. micro-batches of unequal item counts averaged separately (`accumulation_weights.ts`): items of
 *    short micro-batches weigh more (transformers#34191, fixed by `num_items_in_batch`);
 * 3. the epoch's last window is short or ends on the partial batch (`window_grad_scale.ts`).
 * Severity: the normalisation factor's (8× is critical), else the largest item-weight deviation
 * (≥ 1.25× a warning). The title names what is wrong: with equal counts and only the last window
 * partial, that window, not "items weighed unequally". Cost O(A) (lists cut at 8 values).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { accumulationFinding } from "./accumulation_finding.ts";
 * import { lastBatch } from "./last_batch.ts";
 * const a = lastBatch({
 *   datasetSize: 800, batchSize: 1, reduction: "mean", gradAccumSteps: 8, gradAccumLoss: "sum",
 * });
 * const finding = accumulationFinding(a, []);
 * assertEquals(
 *   finding?.title,
 *   "Gradient accumulation sums 8 micro-batch losses: loss and gradient 8× too large",
 * );
 * assertEquals(finding?.severity, "critical");
 * ```
 */
export function accumulationFinding(
  a: LastBatchComputed,
  itemsPerMicroBatch: readonly number[],
): Finding | null {
  const acc = a.accumulation;
  if (!acc) return null;
  const norm = normalizationPart(acc);
  const items = itemsPart(acc, itemsPerMicroBatch);
  const window = lastWindowPart(acc, a);
  if (!norm && !items && !window) return null;
  const deviation = Math.max(items?.deviation ?? 0, window?.deviation ?? 0);
  const weightSeverity: Severity = deviation >= WARNING_LOG_DEVIATION ? "warning" : "info";
  const severity = norm && rank[norm.severity] > rank[weightSeverity]
    ? norm.severity
    : weightSeverity;
  const remedies = [
    ...(norm?.remedies ?? []),
    ...(items || window
      ? [
        "Sum the item losses and divide once by the items of the whole window: " +
        "`loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100, " +
        'reduction="sum") / num_items_in_window` with `num_items_in_window = ' +
        'sum((mb["labels"] != -100).sum() for mb in window)`, and no further `/ grad_accum_steps`.',
        "Hugging Face Transformers ≥ 4.46: the Trainer passes `num_items_in_batch` (the window's " +
        "item count) to models that accept loss kwargs and to `compute_loss(self, model, inputs, " +
        "return_outputs=False, num_items_in_batch=None)`: divide the summed loss by it there; " +
        'upgrade with `pip install -U "transformers>=4.46"`.',
        "With DDP, also `torch.distributed.all_reduce(num_items_in_window)` and multiply the loss " +
        "by `world_size`, since DDP averages gradients over ranks.",
      ]
      : []),
    ...(window
      ? [
        `For the epoch's last window: \`DataLoader(..., drop_last=True)\` and a number of batches ` +
        `per epoch that is a multiple of grad_accum_steps = ${acc.accumulation_steps}.`,
      ]
      : []),
  ];
  return {
    id: "grad-accum-normalization",
    severity,
    title: (norm ?? items ?? window)!.title,
    evidence: [norm?.evidence, items?.evidence, window?.evidence].filter(Boolean).join(" "),
    remedies,
  };
}
