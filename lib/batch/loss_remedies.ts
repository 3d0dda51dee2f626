import type { Reduction } from "./reduction_scale.ts";

/**
 * Concrete fixes for a loss whose size depends on the batch size, per reduction: the line to
 * change in PyTorch, Keras or Hugging Face code, most effective first; none for `mean`, which is
 * already right.
 *
 * The Keras fix of `per_item_then_batch_mean` is the accepted answer of
 * `seeds/loss-spikes-every-epoch.txt` ("multiplying the loss by the batch size"); the others bring
 * the exponent k of `reduction_scale.ts` back to 1 (a per-sample mean), or, failing that, remove
 * the partial batch. Cost O(1).
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { lossRemedies } from "./loss_remedies.ts";
 * assertStringIncludes(lossRemedies("sum", 32)[0], "PyTorch: average instead of summing");
 * assertStringIncludes(lossRemedies("sum", 32)[2], "batch_size=32, drop_last=True");
 * assertEquals(lossRemedies("mean", 32), []);
 * ```
 */
export function lossRemedies(reduction: Reduction, batchSize: number): string[] {
  const dropLast = `Until then, \`DataLoader(..., batch_size=${batchSize}, drop_last=True)\` ` +
    `(Keras: \`dataset.batch(${batchSize}, drop_remainder=True)\`) removes the per-epoch jump, ` +
    "though the loss still changes scale with the batch size.";
  switch (reduction) {
    case "per_item_then_batch_mean":
      return [
        "Keras: the framework divides by the batch size again, so undo it at the end of the loss " +
        "function: `return total_loss * tf.cast(tf.shape(y_true)[0], total_loss.dtype)`.",
        "PyTorch: divide the summed item losses once, by the batch's item count: `loss = " +
        "loss_sum / num_pos.clamp(min=1)`, and remove the extra `/ batch_size` (or `.mean()` over " +
        "the batch of already-normalised losses).",
        dropLast,
      ];
    case "sum":
      return [
        'PyTorch: average instead of summing: `nn.CrossEntropyLoss(reduction="mean")` / ' +
        '`F.mse_loss(pred, target, reduction="mean")`, or `loss = loss_sum / inputs.size(0)` ' +
        "(the actual batch size, not the configured one).",
        'Keras: `reduction="sum_over_batch_size"` (the default) instead of `reduction="sum"`.',
        dropLast,
      ];
    case "fixed_divisor":
      return [
        "Divide by the size of the batch at hand, not a constant: `loss = loss_sum / " +
        "targets.size(0)` (or by its item count, e.g. `(labels != -100).sum()`).",
        "TensorFlow: `tf.nn.compute_average_loss(per_example_loss, global_batch_size=B)` " +
        "divides by a constant: keep it, but batch with `dataset.batch(B, drop_remainder=True)`.",
        dropLast,
      ];
    case "mean":
      return [];
  }
}
