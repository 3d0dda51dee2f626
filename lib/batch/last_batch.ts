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
 * and the DistributedSampler's padding (`epoch_layout.ts`). Cost O(A + T) (A accumulation steps,
 * T the optimizer's memory, see `optimizer_effect.ts`).
 *
 * @example
 * ```ts
 * const a = lastBatch({ datasetSize: 5000, batchSize: 32, reduction: "per_item_then_batch_mean" });
 * a.last_batch_size; // 8
 * a.loss_scale; // 4
 * a.findings.map((f) => f.id); // ["batch-size-dependent-loss", "partial-last-batch"]
 * ```
 */
import type { Finding } from "../findings/mod.ts";
import { type AccumulationWeights, accumulationWeights } from "./accumulation_weights.ts";
import { epochLayout } from "./epoch_layout.ts";
import { type GradScale, gradScale } from "./grad_scale.ts";
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
  datasetSize: number;
  batchSize: number;
  dropLast?: boolean;
  reduction: Reduction;
  worldSize?: number;
  /** `DistributedSampler(drop_last=...)`; defaults to `dropLast` (see `epoch_layout.ts`). */
  samplerDropLast?: boolean;
  gradAccumSteps?: number;
  itemsPerMicroBatch?: number[];
  optimizer?: OptimizerConfig;
  gradNoiseScale?: number;
}

/** The last accumulation window of an epoch. */
export interface LastWindow {
  micro_batch_sizes: number[];
  /** Per-sample weight ÷ the weight it should get, for each micro-batch of the window. */
  weight_ratios: number[];
  /** The window's gradient-norm ratio against a normal window (see `window_grad_scale.ts`). */
  grad_scale: number;
}

/** What the last batch does (the answer of `POST /v1/last-batch`, wire names). */
export interface LastBatchAnswer {
  steps_per_epoch: number;
  last_batch_size: number;
  partial_last_batch: boolean;
  batch_size: number;
  reduction: Reduction;
  reduction_exponent: number;
  loss_scale: number;
  grad_scale: number;
  gradient: GradScale;
  loss_scale_by_reduction: Record<Reduction, number>;
  world_size: number;
  per_rank?: { samples: number; steps_per_epoch: number; last_batch_size: number };
  duplicated_samples?: number;
  dropped_samples: number;
  accumulation?: {
    accumulation_steps: number;
    optimizer_steps_per_epoch: number;
    weight_ratios: number[] | null;
    items: AccumulationWeights | null;
    last_window: LastWindow | null;
  };
  optimizer_effect?: OptimizerEffect;
  /** The modelling choices this answer rests on, in words. */
  assumptions: string[];
  findings: Finding[];
  summary: string;
}

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
  if (input.optimizer && input.optimizer.type !== "sgd") {
    out.push("Adam: late-training moments (bias corrections ≈ 1, ε ≪ √v).");
  }
  return out;
}

/** Analyses one configuration (see the module comment). */
export function lastBatch(input: LastBatchInput): LastBatchAnswer {
  const layout = epochLayout(input);
  const b = input.batchSize;
  const r = layout.last_batch_size;
  const k = reductionExponent(input.reduction);
  const w = positiveInteger(input.worldSize ?? 1, "worldSize");
  // DDP averages the ranks' gradients: W·b distinct samples of the epoch's N enter each step
  // (without replacement: see grad_scale.ts); the deterministic factor is unchanged.
  const sampling = { datasetSize: input.datasetSize, ranks: w };
  const gradient = gradScale({
    batchSize: b,
    lastBatchSize: r,
    reduction: k,
    noiseScale: input.gradNoiseScale,
    ...sampling,
  });
  const byReduction = Object.fromEntries(
    REDUCTIONS.map((name) => [
      name,
      reductionScale({ batchSize: b, lastBatchSize: r, reduction: REDUCTION_EXPONENT[name] }),
    ]),
  ) as Record<Reduction, number>;

  const answer: Omit<LastBatchAnswer, "findings" | "summary"> = {
    steps_per_epoch: layout.steps_per_epoch,
    last_batch_size: r,
    partial_last_batch: layout.partial_last_batch,
    batch_size: b,
    reduction: input.reduction,
    reduction_exponent: k,
    loss_scale: reductionScale({ batchSize: b, lastBatchSize: r, reduction: k }),
    grad_scale: gradient.combined,
    gradient,
    loss_scale_by_reduction: byReduction,
    world_size: w,
    dropped_samples: layout.dropped_samples,
    assumptions: assumptionsOf(input, layout.partial_last_batch, w),
  };
  if (w > 1) {
    answer.per_rank = {
      samples: layout.samples_per_rank,
      steps_per_epoch: layout.steps_per_epoch,
      last_batch_size: r,
    };
    answer.duplicated_samples = layout.duplicated_samples;
  }

  let spikeFactor = gradient.combined;
  const a = positiveInteger(
    input.gradAccumSteps ?? input.itemsPerMicroBatch?.length ?? 1,
    "gradAccumSteps",
  );
  if (a > 1 || input.itemsPerMicroBatch !== undefined) {
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
      spikeFactor = window.combined;
    } else if (a > 1) {
      spikeFactor = 1;
    }
    answer.accumulation = {
      accumulation_steps: a,
      optimizer_steps_per_epoch: windows,
      weight_ratios: items?.weight_ratios ?? null,
      items,
      last_window: lastWindow,
    };
  }
  if (input.optimizer) {
    answer.optimizer_effect = optimizerEffect({ optimizer: input.optimizer, spikeFactor });
  }
  const findings = lastBatchFindings(input, answer);
  return { ...answer, findings, summary: lastBatchSummary(answer, findings) };
}
