import type { Finding } from "../findings/mod.ts";
import {
  type AccumulationNormalization,
  accumulationNormalization,
  type GradAccumLoss,
} from "./accumulation_normalization.ts";
import { type AccumulationWeights, accumulationWeights } from "./accumulation_weights.ts";
import { type EpochLayout, epochLayout } from "./epoch_layout.ts";
import { type GradScale, gradScale } from "./grad_scale.ts";
import { type PerItemLoss, type PerItemScale, perItemScale } from "./per_item_scale.ts";
import { type RankWeights, rankWeights } from "./rank_weights.ts";
import { lastBatchFindings } from "./last_batch_findings.ts";
import { lastBatchSummary } from "./last_batch_summary.ts";
import { type OptimizerConfig, type OptimizerEffect, optimizerEffect } from "./optimizer_effect.ts";
import {
  positiveInteger,
  type Reduction,
  REDUCTION_EXPONENT,
  reductionExponent,
  REDUCTIONS,
  reductionScale,
} from "./reduction_scale.ts";
import { windowGradScale } from "./window_grad_scale.ts";

/** The configuration to analyse (the request of `POST /v1/last-batch`, in camelCase). */
export interface LastBatchInput {
  /** N, the samples of one epoch. */
  datasetSize: number;
  /** B, per rank, as passed to the DataLoader. */
  batchSize: number;
  /** `DataLoader(drop_last=...)`; default false. */
  dropLast?: boolean;
  /** How the loss is reduced over the batch (see `reduction_scale.ts`). */
  reduction: Reduction;
  /** W, the number of ranks; default 1. */
  worldSize?: number;
  /** `DistributedSampler(drop_last=...)`; defaults to `dropLast` (see `epoch_layout.ts`). */
  samplerDropLast?: boolean;
  /** A, the micro-batches per optimizer step; default 1 (or the length of `itemsPerMicroBatch`). */
  gradAccumSteps?: number;
  /** Items (tokens, boxes) in each micro-batch of a window (see `accumulation_weights.ts`). */
  itemsPerMicroBatch?: number[];
  /** The optimizer, to follow the bad step's aftermath (see `optimizer_effect.ts`). */
  optimizer?: OptimizerConfig;
  /** B_noise = tr(Σ)/|G|² in samples, if known (see `grad_scale.ts`). */
  gradNoiseScale?: number;
  /** How an item's loss depends on its batch (default `independent`, see `per_item_scale.ts`). */
  perItemLoss?: PerItemLoss;
  /** The loss of a full batch in nats, for `in_batch_negatives`. */
  fullBatchLoss?: number;
  /** How each micro-batch loss is divided (default `mean`, see `accumulation_normalization.ts`). */
  gradAccumLoss?: GradAccumLoss;
  /** Items (tokens, atoms, examples) each rank averages over in one step. */
  itemsPerRank?: number[];
  /** Each rank's mean loss at that step, to measure the bias of the mean of means. */
  rankLosses?: number[];
  /** Whether the model has BatchNorm layers in train mode. */
  batchNorm?: boolean;
}

/** The last accumulation window of an epoch. */
export interface LastWindow {
  /** The samples of each of its micro-batches. */
  micro_batch_sizes: number[];
  /** Per-sample weight ÷ the weight it should get, for each micro-batch of the window. */
  weight_ratios: number[];
  /** The window's gradient-norm ratio against a normal window (see `window_grad_scale.ts`). */
  grad_scale: number;
}

/** What the last batch does (the answer of `POST /v1/last-batch`, wire names). */
export interface LastBatchAnswer {
  /** Batches per epoch (per rank). */
  steps_per_epoch: number;
  /** The size of each epoch's last batch (per rank). */
  last_batch_size: number;
  /** Whether it is smaller than the batch size. */
  partial_last_batch: boolean;
  /** B, as given. */
  batch_size: number;
  /** The reduction, as given. */
  reduction: Reduction;
  /** Its exponent k: a batch of b has loss ∝ b^(1−k). */
  reduction_exponent: number;
  /** The last batch's loss ÷ a full batch's: the reduction's and the per-item factors. */
  loss_scale: number;
  /** The last batch's gradient norm ÷ a full batch's (`gradient.combined`). */
  grad_scale: number;
  /** The gradient ratio and its parts (see `grad_scale.ts`). */
  gradient: GradScale;
  /** What each named reduction would give this last batch. */
  loss_scale_by_reduction: Record<Reduction, number>;
  /** What the batch does to each item's own loss (see `per_item_scale.ts`). */
  per_item_loss: PerItemScale;
  /** W, the number of ranks. */
  world_size: number;
  /** The epoch as one rank sees it (with W > 1). */
  per_rank?: { samples: number; steps_per_epoch: number; last_batch_size: number };
  /** Indices the DistributedSampler appends to even out the ranks (see `epoch_layout.ts`). */
  padded_samples?: number;
  /** Padded indices trained on: samples seen twice per epoch. */
  duplicated_samples?: number;
  /** Real samples no rank trains on per epoch. */
  unseen_samples: number;
  /** Sample slots unused per epoch (all ranks). */
  dropped_samples: number;
  /** Gradient accumulation: the windows, their item weights and normalisation (with A > 1). */
  accumulation?: {
    accumulation_steps: number;
    optimizer_steps_per_epoch: number;
    weight_ratios: number[] | null;
    items: AccumulationWeights | null;
    last_window: LastWindow | null;
    normalization: AccumulationNormalization;
  };
  /** The weights of unequal ranks (with `itemsPerRank`). */
  ranks?: RankWeights;
  /** What the optimizer does with the epoch's bad step (with `optimizer`). */
  optimizer_effect?: OptimizerEffect;
  /** Whether the model has BatchNorm in train mode, as given. */
  batch_norm: boolean;
  /** The modelling choices this answer rests on, in words. */
  assumptions: string[];
  /** What is wrong, most specific first. */
  findings: Finding[];
  /** Markdown a chat bot can paste as is. */
  summary: string;
}

/**
 * What {@linkcode lastBatch} computes before its findings and summary: the input of each finding
 * rule (`last_batch_findings.ts`) and of the summary.
 */
export type LastBatchComputed = Omit<LastBatchAnswer, "findings" | "summary">;

/** The modelling choices behind an answer, for the reader to check against their setup. */
function assumptionsOf(input: LastBatchInput, partial: boolean, w: number): string[] {
  const out = [
    "Ratios are expectations over batches; per-item counts are taken ∝ batch size.",
    `Batches are drawn without replacement from the ${input.datasetSize} samples of an epoch ` +
    "(a shuffled DataLoader): the gradient noise of b samples carries (N − b)/(N − 1).",
  ];
  if (w > 1 && input.samplerDropLast === undefined && input.dropLast) {
    out.push(
      "DistributedSampler(drop_last=True) assumed, like the DataLoader; PyTorch's own default " +
        "is False (padding by repeated samples): send sampler_drop_last: false if you left it.",
    );
  }
  if (partial && input.gradNoiseScale === undefined) {
    out.push(
      "Gradient noise unknown: grad_scale is the reduction's factor alone; the true ratio lies " +
        "in gradient.range (send grad_noise_scale to narrow it).",
    );
  }
  if (partial && input.perItemLoss === "in_batch_negatives" && input.fullBatchLoss === undefined) {
    out.push(
      "In-batch negatives at chance (loss ln B): the factor falls towards (r − 1)/(B − 1) as the " +
        "model converges (per_item_loss.loss_range); send full_batch_loss to place it.",
    );
  }
  if (input.optimizer && input.optimizer.type !== "sgd") {
    out.push("Adam: late-training moments (bias corrections ≈ 1, ε ≪ √v).");
  }
  return out;
}

/** Stage 2: the loss of the last batch, from the reduction and the per-item dependence. */
function lossStage(input: LastBatchInput, layout: EpochLayout) {
  const b = input.batchSize, r = layout.last_batch_size;
  const k = reductionExponent(input.reduction);
  const perItem = perItemScale({
    perItemLoss: input.perItemLoss ?? "independent",
    batchSize: b,
    lastBatchSize: r,
    fullBatchLoss: input.fullBatchLoss,
  });
  const byReduction = Object.fromEntries(
    REDUCTIONS.map((name) => [
      name,
      reductionScale({ batchSize: b, lastBatchSize: r, reduction: REDUCTION_EXPONENT[name] }),
    ]),
  ) as Record<Reduction, number>;
  const reduction = reductionScale({ batchSize: b, lastBatchSize: r, reduction: k });
  return { k, perItem, byReduction, lossScale: reduction * perItem.loss_factor };
}

/** Stage 3: the gradient of the last batch, the reduction's and the item's factors with noise. */
function gradientStage(input: LastBatchInput, r: number, k: number, perItem: PerItemScale) {
  const w = positiveInteger(input.worldSize ?? 1, "worldSize");
  // DDP averages the ranks' gradients: W·b distinct samples of the epoch's N enter each step
  // (without replacement: see grad_scale.ts); the deterministic factor is unchanged.
  const sampling = { datasetSize: input.datasetSize, ranks: w };
  const g = gradScale({
    batchSize: input.batchSize,
    lastBatchSize: r,
    reduction: k,
    noiseScale: input.gradNoiseScale,
    ...sampling,
  });
  const [low, high] = perItem.grad_range;
  const gradient: GradScale = {
    deterministic: g.deterministic * perItem.grad_factor,
    noise_factor: g.noise_factor,
    noise_factor_limit: g.noise_factor_limit,
    combined: g.combined * perItem.grad_factor,
    range: [g.range[0] * low, g.range[1] * high],
  };
  return { gradient, sampling, w };
}

/** Stage 4: the accumulation windows, their item weights and their normalisation. */
function accumulationStage(
  input: LastBatchInput,
  layout: EpochLayout,
  k: number,
  sampling: { datasetSize: number; ranks: number },
) {
  const b = input.batchSize, r = layout.last_batch_size;
  const a = positiveInteger(
    input.gradAccumSteps ?? input.itemsPerMicroBatch?.length ?? 1,
    "gradAccumSteps",
  );
  const mode = input.gradAccumLoss ?? "mean";
  if (a === 1 && input.itemsPerMicroBatch === undefined && mode === "mean") return null;
  const items = input.itemsPerMicroBatch === undefined
    ? null
    : accumulationWeights(input.itemsPerMicroBatch, a);
  const windows = Math.ceil(layout.steps_per_epoch / a);
  const m = layout.steps_per_epoch - (windows - 1) * a;
  let lastWindow: LastWindow | null = null;
  if (a > 1 && (m < a || layout.partial_last_batch)) {
    const sizes = Array.from({ length: m }, (_, j) => (j === m - 1 ? r : b));
    const total = sizes.reduce((s, n) => s + n, 0);
    const window = windowGradScale({
      microBatchSizes: sizes,
      accumulationSteps: a,
      batchSize: b,
      reduction: k,
      noiseScale: input.gradNoiseScale,
      ...sampling,
    });
    lastWindow = {
      micro_batch_sizes: sizes,
      weight_ratios: sizes.map((n) => (b / n) ** k * total / (a * b)),
      grad_scale: window.combined,
    };
  }
  return {
    accumulation_steps: a,
    optimizer_steps_per_epoch: windows,
    weight_ratios: items?.weight_ratios ?? null,
    items,
    last_window: lastWindow,
    normalization: accumulationNormalization(mode, a),
  };
}

/** The gradient factor of the step the optimizer takes at the epoch's end. */
function spikeFactorOf(a: LastBatchComputed): number {
  const acc = a.accumulation;
  if (!acc || acc.accumulation_steps === 1) return a.gradient.combined;
  return acc.last_window ? acc.last_window.grad_scale : 1;
}

/**
 * Predicts, from the training configuration alone, what the last (partial) batch of each epoch
 * does to the loss, the gradient and the optimizer, with findings and a Markdown summary.
 *
 * This is the physics of the accepted answer in `seeds/loss-spikes-every-epoch.txt`: when N is not
 * a multiple of B the last batch is smaller; a loss whose magnitude depends on the batch size
 * (k ≠ 1, see `reduction_scale.ts`) then jumps by (r/B)^(1−k) at every epoch boundary, the gradient
 * by that and the extra noise of a small batch (`grad_scale.ts`), and momentum carries the bad step
 * into the following ones (`optimizer_effect.ts`). It also covers the two other ways a batch is
 * weighed wrong: gradient accumulation that averages per micro-batch (`accumulation_weights.ts`)
 * and the DistributedSampler's padding (`epoch_layout.ts`); and the ways a loss depends on its batch
 * beyond the reduction: in-batch negatives or pairs (`per_item_scale.ts`), micro-batch losses summed
 * or divided twice (`accumulation_normalization.ts`), means over ranks of unequal size
 * (`rank_weights.ts`), BatchNorm on a tiny batch (`batch_norm_finding.ts`). Stages: layout, loss,
 * gradient, accumulation, ranks, then the findings and the summary. Cost O(A + W + T) (A
 * accumulation steps, W ranks, T the optimizer's memory, see `optimizer_effect.ts`).
 *
 * @throws {RangeError} for sizes that are not positive integers or a configuration with no batch
 * (see {@linkcode epochLayout}), and for the bad values each stage refuses.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastBatch } from "./last_batch.ts";
 * const a = lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "per_item_then_batch_mean" });
 * assertEquals(a.last_batch_size, 8);
 * assertEquals(a.loss_scale, 4);
 * assertEquals(a.findings.map((f) => f.id), ["batch-size-dependent-loss", "partial-last-batch"]);
 * ```
 */
export function lastBatch(input: LastBatchInput): LastBatchAnswer {
  const layout = epochLayout(input);
  const r = layout.last_batch_size;
  const loss = lossStage(input, layout);
  const { gradient, sampling, w } = gradientStage(input, r, loss.k, loss.perItem);
  const answer: LastBatchComputed = {
    steps_per_epoch: layout.steps_per_epoch,
    last_batch_size: r,
    partial_last_batch: layout.partial_last_batch,
    batch_size: input.batchSize,
    reduction: input.reduction,
    reduction_exponent: loss.k,
    loss_scale: loss.lossScale,
    grad_scale: gradient.combined,
    gradient,
    loss_scale_by_reduction: loss.byReduction,
    per_item_loss: loss.perItem,
    world_size: w,
    unseen_samples: layout.unseen_samples,
    dropped_samples: layout.dropped_samples,
    batch_norm: input.batchNorm ?? false,
    assumptions: assumptionsOf(input, layout.partial_last_batch, w),
  };
  if (w > 1) {
    answer.per_rank = {
      samples: layout.samples_per_rank,
      steps_per_epoch: layout.steps_per_epoch,
      last_batch_size: r,
    };
    answer.padded_samples = layout.padded_samples;
    answer.duplicated_samples = layout.duplicated_samples;
  }
  const accumulation = accumulationStage(input, layout, loss.k, sampling);
  if (accumulation) answer.accumulation = accumulation;
  if (input.itemsPerRank) answer.ranks = rankWeights(input.itemsPerRank, input.rankLosses);
  if (input.optimizer) {
    answer.optimizer_effect = optimizerEffect({
      optimizer: input.optimizer,
      spikeFactor: spikeFactorOf(answer),
    });
  }
  const findings = lastBatchFindings(input, answer);
  return { ...answer, findings, summary: lastBatchSummary(answer, findings) };
}
