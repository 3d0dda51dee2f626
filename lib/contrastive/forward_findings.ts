import type { Finding } from "../findings/mod.ts";
import { FP16_MIN_SUBNORMAL } from "../fp/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";

/**
 * The `zero-norm-embedding` finding, one of the NaN the forward pass makes without any overflow of
 * the logits, appended to `out`: F.normalize of a row whose norm is 0 where eps is 0 too is 0/0
 * (critical; pure fp16, lightly#1259); a row below eps is divided by eps (warning). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { zeroNormEmbedding } from "./forward_findings.ts";
 * import { checkNormalization } from "./normalization.ts";
 * const base: FindingContext = {
 *   scaling: { kind: "temperature", value: 0.05 }, precision: "fp16-autocast",
 *   softmax: "framework", loss: "infonce", normalized: null, batchSize: 128, dim: null,
 *   stages: null, trajectory: null, embeddings: null, dropoutP: null, learnable: null,
 *   normalization: null, positives: null, maskFill: null, nan: null, optimizer: null,
 * };
 * const found = (rule: (c: FindingContext, out: Finding[]) => void, c: FindingContext) => {
 *   const out: Finding[] = [];
 *   rule(c, out);
 *   return out.map((f) => [f.id, f.severity]);
 * };
 * const zero = checkNormalization(0, "fp16");
 * assertEquals(found(zeroNormEmbedding, { ...base, precision: "fp16", normalization: zero }), [
 *   ["zero-norm-embedding", "critical"],
 * ]);
 * const autocast = checkNormalization(0, "fp16-autocast"); // eps is 1e-12 in fp32
 * assertEquals(found(zeroNormEmbedding, { ...base, normalization: autocast }), [
 *   ["zero-norm-embedding", "warning"],
 * ]);
 * ```
 */
export function zeroNormEmbedding(c: FindingContext, out: Finding[]): void {
  const n = c.normalization;
  if (!n || n.outcome === "ok") return;
  const which = n.row === null ? `the smallest row norm, ${f(n.min_norm)},` : `row ${n.row}'s norm`;
  const nan = n.outcome === "nan";
  out.push({
    id: "zero-norm-embedding",
    severity: nan ? "critical" : "warning",
    title: nan
      ? `F.normalize divides a zero-norm row by 0 in ${n.format}: NaN`
      : `A row's norm is below F.normalize's eps in ${n.format}`,
    evidence: nan
      ? `${which} is 0 in ${n.format}, and F.normalize divides by max(‖x‖, eps) with eps = 1e-12, ` +
        `which is also 0 in ${n.format} (its smallest subnormal is ${
          f(FP16_MIN_SUBNORMAL)
        }): 0/0 ` +
        "= NaN, and every loss and gradient that row touches is NaN."
      : `${which} is ${f(n.norm)} in ${n.format}, below eps = ${
        f(n.eps)
      }: F.normalize returns x / eps instead of a unit vector (zeros for a zero row), so that row ` +
        "has no direction to learn, and its gradient is multiplied by 1/eps = 1e12.",
    remedies: [
      "Normalise in fp32 or with an eps the format holds: `q = F.normalize(q.float(), dim=-1)` or " +
      "`F.normalize(q, dim=-1, eps=1e-6)` (1e-6 is 1.01e-6 in fp16).",
      "Find why a row has no length: an empty or fully padded input, a mean over zero tokens, a " +
      "projection head whose ReLU outputs are all 0.",
    ],
  });
}

/**
 * The `empty-positive-set` finding, appended to `out`: an anchor of a supervised label mask with
 * no positive divides by 0 (critical; SupContrast#141). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { emptyPositiveSet } from "./forward_findings.ts";
 * import { positiveSets } from "./supervised_mask.ts";
 * const base: FindingContext = {
 *   scaling: { kind: "temperature", value: 0.05 }, precision: "fp16-autocast",
 *   softmax: "framework", loss: "infonce", normalized: null, batchSize: 128, dim: null,
 *   stages: null, trajectory: null, embeddings: null, dropoutP: null, learnable: null,
 *   normalization: null, positives: null, maskFill: null, nan: null, optimizer: null,
 * };
 * const found = (rule: (c: FindingContext, out: Finding[]) => void, c: FindingContext) => {
 *   const out: Finding[] = [];
 *   rule(c, out);
 *   return out.map((f) => [f.id, f.severity]);
 * };
 * const positives = positiveSets([0, 1, 1, 3], 1);
 * assertEquals(found(emptyPositiveSet, { ...base, positives }), [
 *   ["empty-positive-set", "critical"],
 * ]);
 * ```
 */
export function emptyPositiveSet(c: FindingContext, out: Finding[]): void {
  const p = c.positives;
  if (!p || p.rows_without_positive.length === 0) return;
  const rows = p.rows_without_positive;
  const listed = rows.slice(0, 10).join(", ") + (rows.length > 10 ? ", …" : "");
  out.push({
    id: "empty-positive-set",
    severity: "critical",
    title: `${rows.length} of ${p.samples} anchors have no positive in the label mask`,
    evidence: `samples ${listed} are the only ones of their label in the batch, with ` +
      `${
        p.views === 1 ? "one view" : `${p.views} views`
      } per sample, so their row of the positive mask is all 0: ` +
      "(mask * log_prob).sum(1) / mask.sum(1) is 0/0 = NaN, and the mean loss with it.",
    remedies: [
      "Skip anchors without a positive: `pos = mask.sum(1); mean_log_prob_pos = (mask * " +
      "log_prob).sum(1) / pos.clamp(min=1); loss = -mean_log_prob_pos[pos > 0].mean()`.",
      "Give every anchor a positive: two augmented views per sample (`n_views=2`), or a sampler " +
      "that draws at least two samples per class (pytorch-metric-learning's MPerClassSampler).",
    ],
  });
}

/** How PyTorch's overflow error names each format. */
const TORCH_TYPE: Partial<Record<string, string>> = {
  fp16: "at::Half",
  bf16: "at::BFloat16",
  fp32: "float",
};

/**
 * The `mask-sentinel-overflow` finding, appended to `out`: a mask fill beyond the logits' format
 * (critical: `masked_fill` raises, the arithmetic form writes -inf); a -inf fill (warning: NaN only
 * for a fully masked row or a 0 · -inf). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { maskSentinelOverflow } from "./forward_findings.ts";
 * import { checkMaskFill } from "./mask_fill.ts";
 * const base: FindingContext = {
 *   scaling: { kind: "temperature", value: 0.05 }, precision: "fp16-autocast",
 *   softmax: "framework", loss: "infonce", normalized: null, batchSize: 128, dim: null,
 *   stages: null, trajectory: null, embeddings: null, dropoutP: null, learnable: null,
 *   normalization: null, positives: null, maskFill: null, nan: null, optimizer: null,
 * };
 * const found = (rule: (c: FindingContext, out: Finding[]) => void, c: FindingContext) => {
 *   const out: Finding[] = [];
 *   rule(c, out);
 *   return out.map((f) => [f.id, f.severity]);
 * };
 * const fill = (value: number) => ({ ...base, maskFill: checkMaskFill(value, "fp16-autocast") });
 * assertEquals(found(maskSentinelOverflow, fill(-1e9)), [["mask-sentinel-overflow", "critical"]]);
 * assertEquals(found(maskSentinelOverflow, fill(-Infinity)), [
 *   ["mask-sentinel-overflow", "warning"],
 * ]);
 * assertEquals(found(maskSentinelOverflow, fill(-1e4)), []);
 * ```
 */
export function maskSentinelOverflow(c: FindingContext, out: Finding[]): void {
  const m = c.maskFill;
  if (!m || m.outcome === "ok") return;
  const safe = `\`logits.masked_fill(mask, torch.finfo(logits.dtype).min)\` (−${
    f(m.format_max)
  } in ${m.format}) or a fill the format holds such as −1e4`;
  if (m.outcome === "overflows") {
    out.push({
      id: "mask-sentinel-overflow",
      severity: "critical",
      title: `A mask fill of ${f(m.value)} does not fit the ${m.format} logits`,
      evidence: `${m.format} holds at most ${f(m.format_max)} in magnitude: ` +
        `\`logits.masked_fill(mask, ${f(m.value)})\` raises "value cannot be converted to type ` +
        `${TORCH_TYPE[m.format] ?? m.format} without overflow", and \`logits - ${
          f(-m.value)
        } * mask\` writes -inf, which ` +
        "turns into NaN wherever a 0 of a mask multiplies it (0 · -inf) or a whole row is masked.",
      remedies: [
        `Fill with ${safe}.`,
        "Average over positives with `masked_fill`, not a product: `log_prob.masked_fill(~pos_mask, " +
        "0).sum(1)`, so a masked -inf is never multiplied by 0.",
      ],
    });
    return;
  }
  out.push({
    id: "mask-sentinel-overflow",
    severity: "warning",
    title: "Masked logits are -inf",
    evidence: "a -inf logit is harmless to F.cross_entropy while its row keeps a finite entry, " +
      "but a fully masked row gives log_softmax NaN, and a product of a 0 of a mask with its " +
      "log-probability is 0 · -inf = NaN.",
    remedies: [
      `Fill with ${safe}.`,
      "Average over positives with `masked_fill`, not a product: `log_prob.masked_fill(~pos_mask, " +
      "0).sum(1)`.",
    ],
  });
}
