import type { Finding } from "../findings/mod.ts";
import { accumulationFinding } from "./accumulation_finding.ts";
import { batchNormFinding } from "./batch_norm_finding.ts";
import { perItemFinding } from "./per_item_finding.ts";
import { rankMeanFinding } from "./rank_mean_finding.ts";
import { severityOfFactor } from "./severity.ts";
import { formatFactor, formatNumber, formatPercent } from "./format.ts";
import type { LastBatchComputed, LastBatchInput } from "./last_batch.ts";
import { lossRemedies } from "./loss_remedies.ts";

/**
 * The divisors of n nearest to b from below and above (excluding b), within a factor 2; the
 * search looks at most 4096 candidates on each side, so it is O(min(b, 4096)) for any n.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nearestDivisors } from "./last_batch_findings.ts";
 * assertEquals(nearestDivisors(5000, 32), [25, 40]); // batch sizes with no partial batch
 * assertEquals(nearestDivisors(101, 16), []); // a prime: none within a factor 2
 * ```
 */
export function nearestDivisors(n: number, b: number): number[] {
  const found: number[] = [];
  const low = Math.max(1, Math.ceil(b / 2), b - 4096);
  for (let d = b - 1; d >= low; d--) {
    if (n % d === 0) {
      found.push(d);
      break;
    }
  }
  const high = Math.min(2 * b, b + 4096, n);
  for (let d = b + 1; d <= high; d++) {
    if (n % d === 0) {
      found.push(d);
      break;
    }
  }
  return found;
}

function optimizerNote(a: LastBatchComputed): string {
  const o = a.optimizer_effect;
  if (!o || o.spike_factor === 1) return "";
  const name = o.type === "sgd"
    ? `SGD with momentum ${o.momentum}`
    : `${o.type} (β1 ${o.beta1}, β2 ${o.beta2})`;
  let note = ` With ${name} the update at that step is ${formatFactor(o.spike_update_ratio)} a ` +
    `normal one and stays more than 10 % off for ${o.tail_steps} more steps`;
  if (o.damped_steps > 0) {
    note += ` (${o.damped_steps} of them damped by the inflated second moment)`;
  }
  return note +
    `; net extra distance: ${formatNumber(o.extra_displacement_normal_steps)} normal steps.`;
}

function gradientText(a: LastBatchComputed): string {
  const g = a.gradient;
  if (g.noise_factor !== null) {
    return `gradient norm ${formatFactor(g.combined)} (${formatFactor(g.deterministic)} from the ` +
      `reduction, ${formatFactor(g.noise_factor)} from the noise of a small batch)`;
  }
  return `gradient norm ${formatFactor(g.range[0])}–${formatFactor(g.range[1])} depending on the ` +
    `gradient noise (give grad_noise_scale to narrow it)`;
}

/**
 * The findings of one analysed configuration, most specific first, each with the numbers behind it
 * and concrete fixes (the PyTorch / Keras / Hugging Face argument or line to change).
 *
 * Severity follows the size of the error a batch gets: a factor ≥ 2 on the loss of a batch is
 * `critical` (the Keras-SSD report: 4×), ≥ 1.25 or ≤ 0.8 `warning`, anything closer to 1 `info`.
 * Ids: `batch-size-dependent-loss` (the cause: k ≠ 1), `partial-last-batch` (the trigger),
 * `grad-accum-normalization`, `ddp-padding-duplicates`, `uneven-rank-mean`,
 * `batch-norm-small-batch`. Cost O(A + min(B, 4096)).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastBatch } from "./last_batch.ts";
 * import { lastBatchFindings } from "./last_batch_findings.ts";
 * const input = { datasetSize: 5000, batchSize: 32, reduction: "sum" } as const;
 * const { findings, summary: _, ...computed } = lastBatch(input);
 * assertEquals(lastBatchFindings(input, computed), findings);
 * assertEquals(findings.map((f) => f.id), ["batch-size-dependent-loss", "partial-last-batch"]);
 * assertEquals(findings[0].severity, "warning"); // a sum: the last batch of 8 has 0.25× the loss
 * ```
 */
export function lastBatchFindings(input: LastBatchInput, a: LastBatchComputed): Finding[] {
  const findings: Finding[] = [];
  const n = a.per_rank?.samples ?? input.datasetSize;
  const cause = a.reduction_exponent !== 1 ? reductionFinding(a) : null;
  if (cause) findings.push(cause);

  const perItem = perItemFinding(a);
  if (perItem && cause) {
    cause.evidence += " " + perItem.evidence;
    cause.remedies.push(...perItem.remedies);
  } else if (perItem) findings.push(perItem);

  if (a.partial_last_batch) findings.push(partialBatchFinding(input, a, n));

  const accumulation = accumulationFinding(a, input.itemsPerMicroBatch ?? []);
  if (accumulation) findings.push(accumulation);

  if ((a.duplicated_samples ?? 0) > 0) findings.push(paddingFinding(input, a));
  const ranks = rankMeanFinding(a);
  if (ranks) findings.push(ranks);
  const batchNorm = batchNormFinding(a);
  if (batchNorm) findings.push(batchNorm);
  return findings;
}

/** `batch-size-dependent-loss`: a reduction (exponent k ≠ 1) that makes the loss scale with b. */
function reductionFinding(a: LastBatchComputed): Finding {
  const k = a.reduction_exponent;
  const b = a.batch_size, r = a.last_batch_size;
  return {
    id: "batch-size-dependent-loss",
    severity: a.partial_last_batch ? severityOfFactor(a.loss_scale) : "info",
    title: a.reduction === "per_item_then_batch_mean"
      ? "The loss is normalised twice, so it scales as 1/batch size"
      : `A ${
        a.reduction === "sum" ? "summed loss" : "loss divided by a constant"
      } grows with the batch size`,
    evidence: `Reduction \`${a.reduction}\` gives a batch of b samples a loss ∝ b^(1−k) = ` +
      `b^${formatNumber(1 - k)}. ` +
      (a.partial_last_batch
        ? `The last batch (${r} of ${b}) gets loss ${formatFactor(a.loss_scale)} and ` +
          `${gradientText(a)} every epoch.`
        : `Every batch is full here, so there is no per-epoch jump, but changing the batch ` +
          `size from ${b} to b' rescales the loss and the effective learning rate by ` +
          `(b'/${b})^${formatNumber(1 - k)}.`),
    remedies: lossRemedies(a.reduction, b),
  };
}

/** `partial-last-batch`: the last batch of each epoch holds r of b samples (n of them per rank). */
function partialBatchFinding(input: LastBatchInput, a: LastBatchComputed, n: number): Finding {
  const b = a.batch_size, r = a.last_batch_size;
  const full = Math.floor(n / b);
  return {
    id: "partial-last-batch",
    severity: a.loss_scale === 1 ? "info" : severityOfFactor(a.loss_scale),
    title: `The last batch of each epoch has ${r} of ${b} samples`,
    evidence: `${n} samples${a.world_size > 1 ? " per rank" : ""} = ${full} × ${b} + ${r}: ` +
      `step ${a.steps_per_epoch} of each epoch sees ${formatPercent(r / b)} of a batch; ` +
      (a.loss_scale === 1
        ? `with a per-sample mean its loss is unbiased (×1) and only its ${gradientText(a)}.`
        : `its loss is ${formatFactor(a.loss_scale)} a full batch's, ${gradientText(a)}.`) +
      optimizerNote(a),
    remedies: partialBatchRemedies(input, a, n),
  };
}

/** Drop the last batch (PyTorch, Hugging Face, Keras), or pick a batch size dividing n; the
 * reduction's own fix first when the reduction is the cause. */
function partialBatchRemedies(input: LastBatchInput, a: LastBatchComputed, n: number): string[] {
  const b = a.batch_size, r = a.last_batch_size;
  const divisors = nearestDivisors(n, b);
  const remedies = [
    `PyTorch: \`DataLoader(train_set, batch_size=${b}, shuffle=True, drop_last=True)\`: drops ` +
    `${r} sample${r === 1 ? "" : "s"} per epoch${
      input.worldSize && input.worldSize > 1 ? " per rank" : ""
    }, ` +
    `different ones each epoch when shuffling.`,
    "Hugging Face: `TrainingArguments(..., dataloader_drop_last=True)`.",
    `Keras / tf.data: \`dataset.batch(${b}, drop_remainder=True)\`.`,
  ];
  if (divisors.length > 0) {
    remedies.push(
      `Or pick a batch size that divides the ${n} samples${a.world_size > 1 ? " per rank" : ""}: ` +
        divisors.map((d) => `\`batch_size=${d}\``).join(" or ") + ".",
    );
  }
  if (a.reduction_exponent !== 1) {
    remedies.unshift(
      "Best, fix the reduction: the last batch is then harmless and no data is dropped. " +
        lossRemedies(a.reduction, b)[0],
    );
  }
  return remedies;
}

/**
 * `ddp-padding-duplicates`: the DistributedSampler's padding that ranks really train on. The padding
 * sits at the end of the index list, so a DataLoader with `drop_last=True` may drop it with each
 * rank's last batch (pytorch/pytorch#12474): only the padded indices seen count (`epoch_layout.ts`).
 */
function paddingFinding(input: LastBatchInput, a: LastBatchComputed): Finding {
  const d = a.duplicated_samples!, p = a.padded_samples ?? d, total = input.datasetSize;
  const n = a.per_rank?.samples ?? total, w = a.world_size;
  const hidden = p > d ? ` (${p - d} more padded indices fall in the dropped last batches)` : "";
  return {
    id: "ddp-padding-duplicates",
    severity: d / total >= 0.01 ? "warning" : "info",
    title: `DistributedSampler repeats ${d} sample${d === 1 ? "" : "s"} every epoch`,
    evidence: `${total} samples over ${w} ranks: each rank gets ⌈${total}/${w}⌉ = ${n}, ` +
      `${w} × ${n} = ${total + p}, so the sampler pads ${p} indices and ${d} sample` +
      `${d === 1 ? " is" : "s are"} trained on twice (${formatPercent(d / total)})${hidden}; ` +
      "in evaluation they bias the metrics.",
    remedies: [
      `\`DistributedSampler(dataset, num_replicas=${w}, rank=rank, shuffle=True, ` +
      `drop_last=True)\`: each rank gets ⌊${total}/${w}⌋ = ${Math.floor(total / w)} and ` +
      `${total % w} samples sit out each epoch (different ones when you call ` +
      "`sampler.set_epoch(epoch)`).",
      "Evaluation: drop the padding when gathering, e.g. Accelerate's " +
      "`accelerator.gather_for_metrics(predictions)`, or truncate gathered outputs to `len(dataset)`.",
      `Or trim the dataset to a multiple of world_size = ${w}: ` +
      `\`dataset = torch.utils.data.Subset(dataset, range(${total - (total % w)}))\`.`,
    ],
  };
}
