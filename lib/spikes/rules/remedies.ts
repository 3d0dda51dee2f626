/**
 * Remedies that several spike rules give, written once.
 *
 * @module
 */

/**
 * Drop the partial last batch.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DROP_LAST } from "./remedies.ts";
 * assertEquals(DROP_LAST.includes("drop_last=True"), true);
 * ```
 */
export const DROP_LAST =
  "PyTorch: `DataLoader(dataset, batch_size=B, shuffle=True, drop_last=True)` (Hugging Face Trainer: `dataloader_drop_last=True`; tf.data: `dataset.batch(B, drop_remainder=True)`) — the partial batch disappears.";

/**
 * Make the loss's magnitude independent of the batch size.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { BATCH_FREE_LOSS } from "./remedies.ts";
 * assertEquals(BATCH_FREE_LOSS.includes("independent of the batch size"), true);
 * ```
 */
export const BATCH_FREE_LOSS =
  "Make the loss magnitude independent of the batch size: reduce per-sample losses with a mean over samples only once (Keras already divides by the batch size: multiply a loss that normalises itself by the batch size back, as the SSD fix did), or divide a summed loss by a global constant count (e.g. the mean number of items per full batch) instead of the batch's own.";

/**
 * Clip the gradient norm, or skip outlier steps.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CLIP } from "./remedies.ts";
 * assertEquals(CLIP.includes("clip_grad_norm_"), true);
 * ```
 */
export const CLIP =
  "As a safety net, clip the gradient norm: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)` before `optimizer.step()` (Keras: `clipnorm=1.0`), or skip steps whose loss z-score exceeds a threshold (ZClip, OLMo).";
