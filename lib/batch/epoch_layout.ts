import { positiveInteger } from "./reduction_scale.ts";

/** What `epochLayout` needs. */
export interface EpochLayoutOptions {
  /** N, the samples of one epoch. */
  datasetSize: number;
  /** Per-rank batch size, as passed to the DataLoader. */
  batchSize: number;
  /** `DataLoader(drop_last=...)`; default false. */
  dropLast?: boolean;
  /** Number of processes (ranks); default 1. */
  worldSize?: number;
  /** `DistributedSampler(drop_last=...)`; default `dropLast`. */
  samplerDropLast?: boolean;
}

/** One epoch, as every rank sees it (all ranks see the same counts). */
export interface EpochLayout {
  /** The samples each rank's DataLoader sees (padding included). */
  samples_per_rank: number;
  /** Batches per epoch on each rank. */
  steps_per_epoch: number;
  /** Size of the epoch's final batch on each rank (equals the batch size when none is partial). */
  last_batch_size: number;
  /** Whether the last batch is smaller than the batch size. */
  partial_last_batch: boolean;
  /** Indices the DistributedSampler appends each epoch to even out the ranks: W·⌈N/W⌉ − N. */
  padded_samples: number;
  /** Padded indices the ranks train on: samples seen twice in the epoch, max(0, K − N). */
  duplicated_samples: number;
  /** Real samples no rank trains on in the epoch, max(0, N − K). */
  unseen_samples: number;
  /** Sample slots unused per epoch (all ranks): the sampler's N mod W + the dropped batches. */
  dropped_samples: number;
}

/**
 * How one epoch splits into batches: steps per epoch, the size of the last batch, and, with
 * several processes, what the `DistributedSampler` pads or drops.
 *
 * Two different `drop_last` flags exist in PyTorch, and both are modelled:
 * - `DataLoader(..., drop_last=True)` (`dropLast`) drops the last, incomplete batch of each rank:
 *   steps = ⌊n/B⌋ instead of ⌈n/B⌉ (`torch/utils/data/sampler.py`, `BatchSampler`).
 * - `DistributedSampler(..., drop_last=...)` (`samplerDropLast`) decides how N samples are split
 *   over W ranks (`torch/utils/data/distributed.py`): when False (PyTorch's default) each rank
 *   gets ⌈N/W⌉ samples and the list is padded by repeating its first W·⌈N/W⌉ − N indices; when
 *   True each rank gets ⌊N/W⌋ and the N mod W last indices of the (shuffled) list are dropped.
 *   All ranks thus see the same number of samples and the same last-batch size.
 * The contract has a single `drop_last`, so `samplerDropLast` defaults to `dropLast`;
 * beware that in PyTorch the sampler's own default is False whatever the DataLoader says.
 * With W = 1 the sampler changes nothing (a plain `RandomSampler`).
 *
 * Cost O(1). Sizes must be positive safe integers; throws RangeError when the configuration
 * yields no batch at all (e.g. B > samples per rank with `drop_last`).
 *
 * @throws {RangeError} for sizes that are not positive safe integers, or a configuration that
 * yields no batch at all.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { epochLayout } from "./epoch_layout.ts";
 * assertEquals(epochLayout({ datasetSize: 5000, batchSize: 32 }), {
 *   samples_per_rank: 5000, steps_per_epoch: 157, last_batch_size: 8, partial_last_batch: true,
 *   padded_samples: 0, duplicated_samples: 0, unseen_samples: 0, dropped_samples: 0,
 * });
 * // Three ranks: ⌈5000/3⌉ = 1667 each, one index padded and trained on twice.
 * const ddp = epochLayout({ datasetSize: 5000, batchSize: 32, worldSize: 3 });
 * assertEquals([ddp.samples_per_rank, ddp.steps_per_epoch, ddp.last_batch_size], [1667, 53, 3]);
 * assertEquals(ddp.duplicated_samples, 1);
 * // The padding falls in the batches that drop_last drops: nothing twice, one sample unseen.
 * const dropped = epochLayout({
 *   datasetSize: 9, batchSize: 2, worldSize: 4, dropLast: true, samplerDropLast: false,
 * });
 * assertEquals(dropped.padded_samples, 3);
 * assertEquals([dropped.duplicated_samples, dropped.unseen_samples], [0, 1]);
 * ```
 */
export function epochLayout(options: EpochLayoutOptions): EpochLayout {
  const n = positiveInteger(options.datasetSize, "datasetSize");
  const b = positiveInteger(options.batchSize, "batchSize");
  const w = positiveInteger(options.worldSize ?? 1, "worldSize");
  const dropLast = options.dropLast ?? false;
  const samplerDropLast = w > 1 && (options.samplerDropLast ?? dropLast);

  const perRank = samplerDropLast ? Math.floor(n / w) : Math.ceil(n / w);
  if (perRank === 0) {
    throw new RangeError(
      `datasetSize ${n} is smaller than worldSize ${w}: with the sampler's drop_last every ` +
        `rank gets 0 samples`,
    );
  }
  const duplicated = w > 1 && !samplerDropLast ? perRank * w - n : 0;
  const samplerDropped = samplerDropLast ? n - perRank * w : 0;

  const fullBatches = Math.floor(perRank / b);
  const remainder = perRank - fullBatches * b;
  if (dropLast && fullBatches === 0) {
    throw new RangeError(
      `batchSize ${b} is larger than the ${perRank} samples per rank: with drop_last the ` +
        `DataLoader yields no batch at all`,
    );
  }
  const keepPartial = remainder > 0 && !dropLast;
  // the positions [0, K) of the sampler's index list are trained on (see the module comment)
  const trained = w * (dropLast ? fullBatches * b : perRank);
  return {
    samples_per_rank: perRank,
    steps_per_epoch: fullBatches + (keepPartial ? 1 : 0),
    last_batch_size: keepPartial ? remainder : b,
    partial_last_batch: keepPartial,
    padded_samples: duplicated,
    duplicated_samples: Math.max(0, trained - n),
    unseen_samples: Math.max(0, n - trained),
    dropped_samples: samplerDropped + (dropLast ? remainder * w : 0),
  };
}
