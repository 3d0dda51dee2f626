/**
 * Steps per epoch and the size of the last batch, from what the caller knows.
 *
 * Why: the spike analysis asks "does the period equal the epoch?", and the epoch comes either
 * as `steps_per_epoch` or from the data loader's arguments. PyTorch's DataLoader yields
 * ⌈N/B⌉ batches with `drop_last=False` (the last one holding N − (⌈N/B⌉−1)·B samples) and
 * ⌊N/B⌋ full ones with `drop_last=True` (`torch/utils/data/sampler.py`, BatchSampler.__len__).
 *
 * Cost: O(1). Returns null when neither is known.
 *
 * @example
 * ```ts
 * epochLayout({ datasetSize: 5000, batchSize: 32 }); // { stepsPerEpoch: 157, lastBatchSize: 8, … }
 * ```
 */
export interface EpochLayout {
  stepsPerEpoch: number;
  /** Samples in the last batch (null when only steps per epoch is known). */
  lastBatchSize: number | null;
  batchSize: number | null;
}

export function epochLayout(options: {
  stepsPerEpoch?: number;
  datasetSize?: number;
  batchSize?: number;
  dropLast?: boolean;
}): EpochLayout | null {
  const { stepsPerEpoch, datasetSize, batchSize, dropLast = false } = options;
  let fromLoader: EpochLayout | null = null;
  if (datasetSize !== undefined && batchSize !== undefined) {
    if (!(batchSize >= 1) || !(datasetSize >= 1)) {
      throw new RangeError(
        `expected dataset_size and batch_size ≥ 1, found ${datasetSize} and ${batchSize}`,
      );
    }
    const full = Math.floor(datasetSize / batchSize);
    const rest = datasetSize - full * batchSize;
    fromLoader = dropLast || rest === 0
      ? { stepsPerEpoch: Math.max(full, 0), lastBatchSize: batchSize, batchSize }
      : { stepsPerEpoch: full + 1, lastBatchSize: rest, batchSize };
    if (fromLoader.stepsPerEpoch === 0) {
      throw new RangeError(
        `drop_last with dataset_size ${datasetSize} < batch_size ${batchSize} leaves no batch`,
      );
    }
  }
  if (stepsPerEpoch !== undefined) {
    if (!(stepsPerEpoch >= 1)) {
      throw new RangeError(`expected steps_per_epoch ≥ 1, found ${stepsPerEpoch}`);
    }
    if (fromLoader && fromLoader.stepsPerEpoch === stepsPerEpoch) return fromLoader;
    return { stepsPerEpoch, lastBatchSize: null, batchSize: batchSize ?? null };
  }
  return fromLoader;
}
