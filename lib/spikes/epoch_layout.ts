import { epochLayout } from "../batch/mod.ts";

/** The epoch of a spike analysis. */
export interface SpikeEpoch {
  /** Training steps in one epoch. */
  stepsPerEpoch: number;
  /** Samples in the last batch (null when only steps per epoch is known). */
  lastBatchSize: number | null;
  /** The batch size (null when only steps per epoch is known). */
  batchSize: number | null;
}

/**
 * The epoch as the spike analysis needs it: steps per epoch and the last batch's size.
 *
 * Why: the analysis asks "does the period equal the epoch?", and the epoch comes either as
 * `steps_per_epoch` or from the data loader's arguments, laid out by the last-batch model
 * (`../batch/epoch_layout.ts`, PyTorch DataLoader semantics). When both are given and
 * disagree, `steps_per_epoch` wins (it is what the person observed) and the last batch's size
 * is unknown.
 *
 * Cost: O(1). Returns null when neither is known.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { spikeEpoch } from "./epoch_layout.ts";
 * assertEquals(spikeEpoch({ datasetSize: 5000, batchSize: 32 }), {
 *   stepsPerEpoch: 157,
 *   lastBatchSize: 8,
 *   batchSize: 32,
 * });
 * assertEquals(spikeEpoch({ stepsPerEpoch: 100 })?.lastBatchSize, null);
 * assertEquals(spikeEpoch({}), null);
 * ```
 */
export function spikeEpoch(options: {
  stepsPerEpoch?: number;
  datasetSize?: number;
  batchSize?: number;
  dropLast?: boolean;
}): SpikeEpoch | null {
  const { stepsPerEpoch, datasetSize, batchSize, dropLast } = options;
  const loader = datasetSize !== undefined && batchSize !== undefined
    ? epochLayout({ datasetSize, batchSize, dropLast })
    : null;
  const fromLoader = loader && {
    stepsPerEpoch: loader.steps_per_epoch,
    lastBatchSize: loader.last_batch_size,
    batchSize: batchSize!,
  };
  if (stepsPerEpoch === undefined) return fromLoader;
  if (!(stepsPerEpoch >= 1)) {
    throw new RangeError(`expected steps_per_epoch ≥ 1, found ${stepsPerEpoch}`);
  }
  if (fromLoader && fromLoader.stepsPerEpoch === stepsPerEpoch) return fromLoader;
  return { stepsPerEpoch, lastBatchSize: null, batchSize: batchSize ?? null };
}
