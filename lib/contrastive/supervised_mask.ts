/**
 * Which anchors of a supervised contrastive batch have no positive. SupCon (Khosla et al., 2020;
 * HobbitLong/SupContrast `SupConLoss`) averages log-probabilities over an anchor's positives, the
 * other rows with its label: `(mask * log_prob).sum(1) / mask.sum(1)`. With `views` views per
 * sample, an anchor has views·count(label) − 1 positives; with one view a label that occurs once
 * leaves its anchor with none, and 0/0 = NaN (SupContrast#141: labels [0, 1, 1, 3] give NaN for
 * anchors 0 and 3; PyTorch record in tests/fixtures/contrastive/pytorch). O(B).
 *
 * @example
 * ```ts
 * positiveSets([0, 1, 1, 3], 1).rows_without_positive; // [0, 3]
 * positiveSets([0, 1, 1, 3], 2).rows_without_positive; // [] (each sample's other view)
 * ```
 */

/** The positives of each anchor. */
export interface PositiveSets {
  /** Samples in the batch (labels given). */
  samples: number;
  views: number;
  /** Indices (into labels) of samples whose anchors have no positive. */
  rows_without_positive: number[];
  /** The fewest positives any anchor has. */
  min_positives: number;
}

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
