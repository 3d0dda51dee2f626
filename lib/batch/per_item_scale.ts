import { positiveInteger } from "./reduction_scale.ts";

/** The three ways an item's loss can depend on its batch. */
export const PER_ITEM_LOSSES = ["independent", "in_batch_negatives", "pairwise"] as const;

/** One of {@linkcode PER_ITEM_LOSSES}. */
export type PerItemLoss = typeof PER_ITEM_LOSSES[number];

/** The factors a smaller batch puts on an item's loss and gradient, before the reduction. */
export interface PerItemScale {
  /** How the item's loss depends on its batch, as given. */
  kind: PerItemLoss;
  /** Loss of an item in the last batch ÷ in a full batch: the point estimate. */
  loss_factor: number;
  /** [converged, chance] for in-batch negatives; the point itself otherwise. */
  loss_range: [number, number];
  /** The same for the norm of the gradient with respect to the item's logits. */
  grad_factor: number;
  /** [converged, chance] of `grad_factor`, as `loss_range`. */
  grad_range: [number, number];
}

const point = (kind: PerItemLoss, f: number): PerItemScale => ({
  kind,
  loss_factor: f,
  loss_range: [f, f],
  grad_factor: f,
  grad_range: [f, f],
});

/** ℓ(b) = ln(1 + (b − 1)c) and its logit-gradient norm c√(b(b − 1))/(1 + (b − 1)c). */
function infoNce(b: number, c: number) {
  return { loss: Math.log1p((b - 1) * c), grad: (c * Math.sqrt(b * (b - 1))) / (1 + (b - 1) * c) };
}

/**
 * The factors a smaller last batch puts on an item's own loss and gradient, before any reduction,
 * by how that loss depends on the batch it sits in: `independent` (ℓᵢ depends on item i alone: ×1),
 * `in_batch_negatives` (the other items of the batch are its negatives: InfoNCE, CLIP, SimCLR,
 * in-batch sampled softmax), or `pairwise` (ℓᵢ sums over the b − 1 pairs item i forms with the
 * others).
 *
 * In-batch negatives, a mean-field model: item i's logits are a positive s and b − 1 negatives
 * whose mean exp(negative − s) is c, so ℓ(b) = ln(1 + (b − 1)c) (InfoNCE, van den Oord et al. 2018).
 * At chance (c = 1) ℓ = ln b; a converged model (c → 0) has ℓ ≈ (b − 1)c. The last batch of r
 * items against a full one of B thus has
 *   loss factor ln(1 + (r − 1)c) / ln(1 + (B − 1)c) ∈ [(r − 1)/(B − 1), ln r / ln B]
 * (converged, chance), < 1 whenever r < B: fewer negatives make an easier task, a dip. Given the
 * loss of a full batch L (`fullBatchLoss`, nats), c = (e^L − 1)/(B − 1) and the factor is a point;
 * without it the point is the chance value, the top of the range. The gradient with respect to the
 * logits, softmax − one-hot, has norm c·√(b(b − 1))/(1 + (b − 1)c): its factor runs from
 * √(r(r − 1)/(B(B − 1))) (converged) to √((r − 1)B/(r(B − 1))) (chance). A last batch of one item
 * has no negative: its loss is exactly 0 and it gives no gradient (openai/CLIP#83).
 *
 * Pairwise: ℓᵢ = Σ over the b − 1 partners, so both factors are (r − 1)/(B − 1) in expectation. A
 * loss averaged over the pairs instead is `independent` in expectation. O(1).
 *
 * @throws {RangeError} for sizes that are not positive integers with r ≤ B, or a loss ≤ 0.
 * @throws {TypeError} for a kind outside {@linkcode PER_ITEM_LOSSES}.
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { perItemScale } from "./per_item_scale.ts";
 * const s = perItemScale({ perItemLoss: "in_batch_negatives", batchSize: 64, lastBatchSize: 40 });
 * assertAlmostEquals(s.loss_factor, Math.log(40) / Math.log(64), 1e-12); // 0.887: at chance
 * assertAlmostEquals(s.loss_range[0], 39 / 63, 1e-12); // 0.619: converged
 * assertEquals(perItemScale({ perItemLoss: "pairwise", batchSize: 64, lastBatchSize: 40 })
 *   .loss_factor, 39 / 63);
 * ```
 */
export function perItemScale(options: {
  /** How an item's loss depends on its batch. */
  perItemLoss: PerItemLoss;
  /** B. */
  batchSize: number;
  /** r ≤ B. */
  lastBatchSize: number;
  /** The loss of a full batch, in nats (in-batch negatives only); omitted: chance, ln B. */
  fullBatchLoss?: number;
}): PerItemScale {
  const b = positiveInteger(options.batchSize, "batchSize");
  const r = positiveInteger(options.lastBatchSize, "lastBatchSize");
  if (r > b) throw new RangeError(`lastBatchSize must be at most batchSize = ${b}, found ${r}`);
  const kind = options.perItemLoss;
  if (kind === "independent" || r === b) return point(kind, 1);
  if (b === 1) return point(kind, 1);
  if (kind === "pairwise") return point(kind, (r - 1) / (b - 1));
  if (kind !== "in_batch_negatives") {
    throw new TypeError(
      `perItemLoss must be one of ${PER_ITEM_LOSSES.join(", ")}, found ${JSON.stringify(kind)}`,
    );
  }
  const loss = options.fullBatchLoss;
  if (loss !== undefined && !(loss > 0 && Number.isFinite(loss))) {
    throw new RangeError(`fullBatchLoss must be a positive number of nats, found ${loss}`);
  }
  const c = loss === undefined ? 1 : Math.expm1(loss) / (b - 1);
  const at = (cc: number) => {
    const last = infoNce(r, cc), full = infoNce(b, cc);
    return { loss: last.loss / full.loss, grad: last.grad / full.grad };
  };
  const estimate = at(c);
  const converged = { loss: (r - 1) / (b - 1), grad: Math.sqrt((r * (r - 1)) / (b * (b - 1))) };
  const chance = at(1);
  return {
    kind,
    loss_factor: estimate.loss,
    loss_range: [converged.loss, Math.max(chance.loss, estimate.loss)],
    grad_factor: estimate.grad,
    grad_range: [converged.grad, Math.max(chance.grad, estimate.grad)],
  };
}
