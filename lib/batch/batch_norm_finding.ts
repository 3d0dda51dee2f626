import type { Finding } from "../findings/mod.ts";
import type { LastBatchComputed } from "./last_batch.ts";

/**
 * The largest batch whose BatchNorm statistics are called noisy: the relative standard deviation of
 * the variance estimate, √(2/(n − 1)), is ≥ 1 up to n = 3 (the estimate is as uncertain as its
 * value) and 0.82 at n = 4.
 */
export const BATCH_NORM_NOISY_BATCH = 3;

/**
 * The `batch-norm-small-batch` finding, or null without BatchNorm or when the smallest batch per
 * rank holds more than {@linkcode BATCH_NORM_NOISY_BATCH} items. BatchNorm in train mode normalises
 * each batch by its own mean and variance, per rank (unless SyncBatchNorm). A last batch of one
 * item raises in PyTorch — `ValueError: Expected more than 1 value per channel when training, got
 * input size torch.Size([1, C])` (recorded with torch 1.13, `tests/fixtures/torch/batchnorm.json`;
 * a conv input with H·W > 1 does not raise but normalises one image by itself) — and a batch of 2
 * or 3 has statistics as noisy as their value: the variance of n Gaussian values has a relative
 * standard deviation √(2/(n − 1)), 1.41 at n = 2 and 1.0 at n = 3 (recorded: 1.41, 1.007; 0.82 at n
 * = 4), and with n = 2 every normalised output is ±1 whatever the inputs. That step also moves the
 * running statistics used at evaluation (momentum 0.1). Reported as nncf#379 (1000 samples, batch
 * 3: a last batch of 1 crashed the epoch's end; fixed with `drop_last=True`) and fastai#1352. Cost
 * O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { batchNormFinding } from "./batch_norm_finding.ts";
 * import { lastBatch } from "./last_batch.ts";
 * // 1000 = 333 × 3 + 1 (nncf#379)
 * const a = lastBatch({ datasetSize: 1000, batchSize: 3, reduction: "mean", batchNorm: true });
 * assertEquals(batchNormFinding(a)?.severity, "critical");
 * assertEquals(
 *   batchNormFinding(a)?.title,
 *   "The last batch of each epoch holds 1 item: BatchNorm raises in train mode",
 * );
 * ```
 */
export function batchNormFinding(a: LastBatchComputed): Finding | null {
  if (!a.batch_norm) return null;
  const n = Math.min(a.last_batch_size, a.batch_size);
  if (n > BATCH_NORM_NOISY_BATCH) return null;
  const where = a.partial_last_batch ? "The last batch of each epoch" : "Every batch";
  const ranks = a.world_size > 1 ? " on each rank" : "";
  const b = a.batch_size;
  const remedies = [
    `\`DataLoader(train_set, batch_size=${b}, shuffle=True, drop_last=True)\` (Hugging Face: ` +
    "`TrainingArguments(..., dataloader_drop_last=True)`): no tiny last batch reaches BatchNorm.",
    "Or choose a batch size that leaves a last batch of more than 3 items.",
    "With several ranks: `model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)` takes " +
    "the statistics over all ranks' items.",
    "Or normalise without the batch: `nn.GroupNorm(num_groups, C)` or `nn.LayerNorm(C)` instead " +
    "of `nn.BatchNorm1d(C)`/`nn.BatchNorm2d(C)`.",
  ];
  if (n === 1) {
    return {
      id: "batch-norm-small-batch",
      severity: "critical",
      title: `${where} holds 1 item${ranks}: BatchNorm raises in train mode`,
      evidence: `A batch of 1 has no variance to normalise by: PyTorch raises \`ValueError: ` +
        "Expected more than 1 value per channel when training, got input size " +
        "torch.Size([1, C])` (BatchNorm1d, or BatchNorm2d on 1×1 maps); on larger feature maps it " +
        "normalises one image by itself.",
      remedies,
    };
  }
  const spread = Math.sqrt(2 / (n - 1));
  return {
    id: "batch-norm-small-batch",
    severity: "warning",
    title: `${where} holds ${n} items${ranks}: BatchNorm's statistics are noise`,
    evidence: `BatchNorm in train mode normalises by the batch's own variance; from ${n} values ` +
      `its relative standard deviation is √(2/(n − 1)) = ${spread.toFixed(2)} (a full batch of ` +
      `${b}: ${Math.sqrt(2 / Math.max(1, b - 1)).toFixed(2)})` +
      (n === 2 ? ", and with 2 items every normalised output is ±1 whatever the inputs" : "") +
      "; the step also moves the running statistics used in evaluation.",
    remedies,
  };
}
