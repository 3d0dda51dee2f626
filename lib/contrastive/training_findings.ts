/**
 * The findings about how the model is trained: `no-l2-normalization` (warning in half precision
 * or when norms grow or overflow, info otherwise), `norm-growth` and `rising-loss` (from a
 * trajectory; growth is critical when a forecast overflow lies within 3× the observed span),
 * `dropout-too-strong` (p ≥ 0.3 warning, 0.2 < p < 0.3 info: the two views of SimCSE-style
 * positives have cosine ≈ 1 − p). Growing logits on L2-normalised embeddings, or beside a growing
 * logit scale, are the scale's doing, not the norms': they are left to `logit-scale-unclamped`.
 * Each appends to `out`. O(1).
 */
import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { fp32LogitsRemedy, halfName, LOCATE, normalizeRemedy } from "./remedies.ts";
import { scaleFactor } from "./scaling.ts";
import { scaleWords } from "./scale_words.ts";
import type { SeriesGrowth } from "./trajectory_analysis.ts";

/** `no-l2-normalization`. */
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

/** The growing series that are the norms' doing (not the loss, not a learned scale's). */
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

/** `norm-growth` and `rising-loss`. */
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

/** `dropout-too-strong`. */
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
