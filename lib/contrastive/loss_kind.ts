/** The losses the check knows. */
export type LossKind = "infonce" | "supcon" | "sigmoid" | "dcl";

/** Every loss kind. */
export const LOSS_KINDS = [
  "infonce",
  "supcon",
  "sigmoid",
  "dcl",
] as const satisfies readonly LossKind[];

const OUTSIDE: Record<LossKind, string | null> = {
  infonce: null,
  supcon: null,
  sigmoid: "SigLIP's sigmoid loss is outside this check's softmax model: it scores each pair on " +
    "its own, log σ(±(s·q·k + b)), with no exp, sum or log over a row. Only q @ k.T and the " +
    "scaling are checked; the exp, sum and log stages, the loss bounds and the softmax findings " +
    "do not apply to it.",
  dcl: "Debiased and decoupled contrastive losses are outside this check's softmax model: the " +
    "debiased loss (Chuang et al.) subtracts an estimate of the positives from its denominator " +
    "and clamps it, the decoupled loss (Yeh et al.) drops the positive from the denominator so it " +
    "can fall below 0; neither is the cross-entropy of a softmax. Only q @ k.T and the scaling " +
    "are checked; the exp, sum and log stages, the loss bounds and the softmax findings do not " +
    "apply to them.",
};

/**
 * The sentence saying a contrastive loss is outside the model this check is built on; null when it
 * is inside. That model is the cross-entropy of a softmax over a row of logits (`F.cross_entropy(q
 * @ k.T / τ, labels)`).
 *
 * Inside: `infonce` (CLIP, SimCLR's NT-Xent, MoCo, SimCSE, sentence-transformers'
 * MultipleNegativesRankingLoss) and `supcon` (the same softmax, averaged over a label mask's
 * positives). Outside: `sigmoid` (SigLIP: log σ of each pair's own logit, no exp/sum/log over a row)
 * and `dcl` (the debiased loss of Chuang et al., 2020, which corrects and clamps its denominator, and
 * the decoupled loss of Yeh et al., 2022, which drops the positive from it): for those only q @ k.T
 * and the scaling are checked, and the answer says so. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { outsideModel } from "./loss_kind.ts";
 * assertEquals(outsideModel("infonce"), null);
 * assertEquals(outsideModel("supcon"), null);
 * assertStringIncludes(outsideModel("sigmoid")!, "Only q @ k.T and the scaling are checked");
 * ```
 */
export function outsideModel(loss: LossKind): string | null {
  return OUTSIDE[loss];
}
