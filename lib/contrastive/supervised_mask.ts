/** The positives of each anchor. */
export interface PositiveSets {
  /** Samples in the batch (labels given). */
  samples: number;
  /** Views per sample. */
  views: number;
  /** Indices (into labels) of samples whose anchors have no positive. */
  rows_without_positive: number[];
  /** The fewest positives any anchor has. */
  min_positives: number;
}

/**
 * Which anchors of a supervised contrastive batch (`labels`, `views` views per sample) have no
 * positive. SupCon (Khosla et al., 2020; HobbitLong/SupContrast `SupConLoss`) averages
 * log-probabilities over an anchor's positives, the other rows with its label: `(mask *
 * log_prob).sum(1) / mask.sum(1)`. With `views` views per sample, an anchor has views·count(label)
 * − 1 positives; with one view a label that occurs once leaves its anchor with none, and 0/0 = NaN
 * (SupContrast#141: labels [0, 1, 1, 3] give NaN for anchors 0 and 3; PyTorch record in
 * tests/fixtures/contrastive/pytorch). O(B).
 *
 * @throws {RangeError} for fewer than 2 labels or a view count that is not an integer ≥ 1.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { positiveSets } from "./supervised_mask.ts";
 * assertEquals(positiveSets([0, 1, 1, 3], 1).rows_without_positive, [0, 3]); // SupContrast#141
 * assertEquals(positiveSets([0, 1, 1, 3], 2).rows_without_positive, []); // the other view
 * ```
 */
export function positiveSets(labels: readonly (number | string)[], views: number): PositiveSets {
  if (!Number.isInteger(views) || views < 1) {
    throw new RangeError(`views must be an integer ≥ 1, found ${views}`);
  }
  if (labels.length < 2) {
    throw new RangeError(`labels need at least 2 samples, found ${labels.length}`);
  }
  const count = new Map<string, number>();
  const key = (l: number | string) => `${typeof l}:${l}`;
  for (const l of labels) count.set(key(l), (count.get(key(l)) ?? 0) + 1);
  const positives = labels.map((l) => views * count.get(key(l))! - 1);
  return {
    samples: labels.length,
    views,
    rows_without_positive: positives.flatMap((p, i) => (p === 0 ? [i] : [])),
    min_positives: Math.min(...positives),
  };
}
