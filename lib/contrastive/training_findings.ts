import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { fp32LogitsRemedy, halfName, LOCATE, normalizeRemedy } from "./remedies.ts";
import { scaleFactor } from "./scaling.ts";
import { scaleWords } from "./scale_words.ts";
import type { SeriesGrowth } from "./trajectory_analysis.ts";

/**
 * The `no-l2-normalization` finding, one of the findings about how the model is trained, appended
 * to `out` when the embeddings are not L2-normalised: a warning in half precision or when norms
 * grow or overflow, info otherwise. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { noNormalization } from "./training_findings.ts";
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
 * assertEquals(found(noNormalization, { ...base, normalized: false }), [
 *   ["no-l2-normalization", "warning"], // fp16 logits
 * ]);
 * assertEquals(found(noNormalization, { ...base, precision: "fp32", normalized: false }), [
 *   ["no-l2-normalization", "info"],
 * ]);
 * assertEquals(found(noNormalization, { ...base, normalized: true }), []);
 * ```
 */
export function noNormalization(c: FindingContext, out: Finding[]): void {
  if (c.normalized !== false) return;
  const half = halfName(c.precision) !== "fp32";
  const growing = normGrowth(c).length > 0;
  const overflow = c.stages?.first_overflow != null;
  const e = c.embeddings;
  const scale = scaleFactor(c.scaling);
  const norms = e
    ? `measured row norms: |q| mean ${f(e.q_norm.mean)} (max ${f(e.q_norm.max)}), |k| mean ${
      f(e.k_norm.mean)
    } (max ${f(e.k_norm.max)})`
    : c.stages
    ? `|q·k| can reach ${f(c.stages.max_logit / scale)}`
    : "the embeddings are not L2-normalised";
  const dim = c.dim === null ? "" : ` In dim ${c.dim}, vectors with unit-variance entries have ` +
    `|q| ≈ √${c.dim} = ${f(Math.sqrt(c.dim))}, so raw q·k reach ≈ ${c.dim} before any growth; ` +
    "a cosine is bounded by 1 in any dimension.";
  out.push({
    id: "no-l2-normalization",
    severity: half || growing || overflow ? "warning" : "info",
    title: "The embeddings are not L2-normalised, so nothing bounds the logits",
    evidence: `${norms}; logits are |q|·|k|·cos·${f(scale)}, and the loss rewards growing norms ` +
      `(a larger |q| separates the positive from the negatives), so they keep growing.` +
      (c.stages && c.scaling.kind !== "none"
        ? ` With normalisation the largest logit would be ${f(scale)} instead of ${
          f(c.stages.max_logit)
        }.`
        : "") +
      dim,
    remedies: [normalizeRemedy(c.scaling), LOCATE],
  });
}

/**
 * The growing series of the trajectory that are the norms' doing (not the loss, not a learned
 * scale's): growing logits on L2-normalised embeddings, or beside a growing logit scale, are the
 * scale's doing, and left to `logit-scale-unclamped`. O(series).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { FindingContext } from "./finding_context.ts";
 * import { normGrowth } from "./training_findings.ts";
 * import { analyzeTrajectory } from "./trajectory_analysis.ts";
 * const trajectory = analyzeTrajectory([1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
 *   step, q_norm: 10 * 1.2 ** step, k_norm: 10 * 1.2 ** step, loss: 2,
 * })));
 * const context: FindingContext = {
 *   scaling: { kind: "temperature", value: 0.05 }, precision: "fp16-autocast",
 *   softmax: "framework", loss: "infonce", normalized: false, batchSize: 128, dim: null,
 *   stages: null, trajectory, embeddings: null, dropoutP: null, learnable: null,
 *   normalization: null, positives: null, maskFill: null, nan: null, optimizer: null,
 * };
 * assertEquals(normGrowth(context).map((g) => g.name), ["q_norm", "k_norm", "norm_product"]);
 * ```
 */
export function normGrowth(c: FindingContext): SeriesGrowth[] {
  const t = c.trajectory;
  if (!t) return [];
  const scaleGrows = t.growth.some((g) => g.name === "logit_scale" && g.growing);
  const byScale = c.normalized === true || scaleGrows;
  return t.growth.filter((g) =>
    g.growing && g.name !== "loss" && g.name !== "logit_scale" &&
    !(byScale && (g.name === "max_logit" || g.name === "mean_score"))
  );
}

/**
 * The `norm-growth` and `rising-loss` findings of a trajectory, appended to `out`: growth is
 * critical when a forecast (or observed) overflow lies within 3× the observed span, a warning
 * otherwise (info on normalised embeddings); a rising loss is a warning. O(series).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { trajectoryFindings } from "./training_findings.ts";
 * import { analyzeTrajectory } from "./trajectory_analysis.ts";
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
 * // norms ×1.3 a step and a loss ×1.2 a step: |q·k| passes 3275.2 (= 65504·τ) at step 7
 * const points = [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({
 *   step, q_norm: 10 * 1.3 ** step, k_norm: 10 * 1.3 ** step, loss: 2 * 1.2 ** step,
 * }));
 * const trajectory = analyzeTrajectory(points, {
 *   safeLogitLimit: 65504, safeDotLimit: 3275.2, maxDot: null, logitBound: null,
 *   scaleClamp: null, normalized: false,
 * });
 * assertEquals(found(trajectoryFindings, { ...base, normalized: false, trajectory }), [
 *   ["norm-growth", "critical"],
 *   ["rising-loss", "warning"],
 * ]);
 * ```
 */
export function trajectoryFindings(c: FindingContext, out: Finding[]): void {
  const t = c.trajectory;
  if (!t) return;
  const grown = normGrowth(c);
  const forecast = t.forecast;
  if (grown.length > 0) {
    const norms = grown.some((g) => g.name !== "max_logit" && g.name !== "mean_score");
    const soon = forecast && forecast.model !== "observed"
      ? ` Forecast: |logits| pass the ${
        halfName(c.precision)
      } limit around step ${forecast.overflow_step} ` +
        `(range ${forecast.range[0]}–${
          forecast.range[1]
        }, ${forecast.confidence} confidence; ${forecast.note}).`
      : forecast?.model === "observed"
      ? ` ${forecast.note[0].toUpperCase()}${forecast.note.slice(1)}.`
      : "";
    out.push({
      id: "norm-growth",
      severity: c.normalized === true
        ? "info"
        : forecast && forecast.steps_ahead <= 3 * Math.max(1, t.last_step - t.first_step)
        ? "critical"
        : "warning",
      title: norms ? "Embedding norms and scores are growing" : "The logits are growing",
      evidence: grown.map((g) =>
        `${g.name} ${f(g.first)} → ${f(g.last)} (×${f(g.ratio, 3)} last third vs first third, ` +
        `p = ${g.p_value.toPrecision(2)})`
      ).join("; ") + "." + soon,
      remedies: [
        ...(c.normalized === true ? [] : [normalizeRemedy(c.scaling)]),
        fp32LogitsRemedy(c.scaling),
        LOCATE,
      ],
    });
  }
  risingLoss(c, out);
}

function risingLoss(c: FindingContext, out: Finding[]): void {
  const loss = c.trajectory!.growth.find((g) => g.name === "loss");
  if (!loss?.growing) return;
  const b = c.batchSize;
  const np = scaleWords(c.scaling).scaled("(n − p)");
  const gap = b
    ? ` A loss of ${f(loss.last)} means some |logit| ≥ ${
      f(Math.max(0, (loss.last - Math.log(b - 1)) / 2))
    } (the loss is at most 2·max|logit| + ln(B − 1)).`
    : "";
  out.push({
    id: "rising-loss",
    severity: "warning",
    title: "The contrastive loss is rising",
    evidence: `loss ${f(loss.first)} → ${f(loss.last)} (×${f(loss.ratio, 3)} last third vs first ` +
      `third). InfoNCE rises when the negatives' scores grow with the positives': with growing norms ` +
      `${np} grows, and log(1 + Σ e^(${np})) with it.${gap}`,
    remedies: [
      ...(c.normalized === true ? [] : [normalizeRemedy(c.scaling)]),
      "Check the positives really are positives: with dropout views keep p ≈ 0.1.",
      LOCATE,
    ],
  });
}

/**
 * The `dropout-too-strong` finding, appended to `out`: p ≥ 0.3 is a warning, 0.2 < p < 0.3 info;
 * the two dropout views of SimCSE-style positives have cosine ≈ 1 − p. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { dropoutFinding } from "./training_findings.ts";
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
 * const strong = { ...base, dropoutP: 0.4 }, mild = { ...base, dropoutP: 0.25 };
 * assertEquals(found(dropoutFinding, strong), [["dropout-too-strong", "warning"]]);
 * assertEquals(found(dropoutFinding, mild), [["dropout-too-strong", "info"]]);
 * assertEquals(found(dropoutFinding, { ...base, dropoutP: 0.1 }), []);
 * ```
 */
export function dropoutFinding(c: FindingContext, out: Finding[]): void {
  const p = c.dropoutP;
  if (p === null || p <= 0.2) return;
  out.push({
    id: "dropout-too-strong",
    severity: p >= 0.3 ? "warning" : "info",
    title: `Dropout p = ${p} makes the two views of a positive pair only ≈ ${f(1 - p)} alike`,
    evidence:
      `two inverted-dropout views of one embedding have expected cosine ≈ 1 − p = ${
        f(1 - p)
      }, so the positive is barely closer than the negatives; SimCSE measured p = 0.1 best ` +
      "(STS-B 82.5) and p = 0.5 as bad as no dropout (71.0 vs 71.1). Runs that blew up with " +
      "dropout views at p = 0.4 trained once p went down to 0.1.",
    remedies: ["Use `nn.Dropout(p=0.1)` for the views (SimCSE's default)."],
  });
}
