/**
 * The findings about how the model is trained: `no-l2-normalization` (warning in half precision
 * or when norms grow or overflow, info otherwise), `norm-growth` and `rising-loss` (from a
 * trajectory; norm growth is critical when a forecast overflow lies within 3× the observed span),
 * `dropout-too-strong` (p ≥ 0.3 warning, 0.2 < p < 0.3 info: the two views of SimCSE-style
 * positives have cosine ≈ 1 − p). Each appends to `out`. O(1).
 */
import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { FP32_LOGITS, halfName, LOCATE, NORMALIZE } from "./remedies.ts";

/** `no-l2-normalization`. */
export function noNormalization(c: FindingContext, out: Finding[]): void {
  if (c.normalized !== false) return;
  const half = halfName(c.precision) !== "fp32";
  const growing = c.trajectory?.growth.some((g) => g.growing && g.name !== "loss") ?? false;
  const overflow = c.stages?.first_overflow != null;
  const e = c.embeddings;
  const norms = e
    ? `measured row norms: |q| mean ${f(e.q_norm.mean)} (max ${f(e.q_norm.max)}), |k| mean ${
      f(e.k_norm.mean)
    } (max ${f(e.k_norm.max)})`
    : c.stages
    ? `|q·k| can reach ${
      f(
        c.stages.max_logit /
          (c.scaling.kind === "temperature" ? 1 / c.scaling.value : c.scaling.value),
      )
    }`
    : "the embeddings are not L2-normalised";
  out.push({
    id: "no-l2-normalization",
    severity: half || growing || overflow ? "warning" : "info",
    title: "The embeddings are not L2-normalised, so nothing bounds the logits",
    evidence: `${norms}; logits are |q|·|k|·cos/τ, and the loss rewards growing norms (a larger ` +
      `|q| separates the positive from the negatives), so they keep growing.` +
      (c.stages
        ? ` With normalisation the largest logit would be ${
          f(c.scaling.kind === "temperature" ? 1 / c.scaling.value : c.scaling.value)
        } instead of ${f(c.stages.max_logit)}.`
        : ""),
    remedies: [NORMALIZE, LOCATE],
  });
  if (c.dim !== null) {
    // The seed report suspected the dimension: raw dot products of un-normalised vectors scale
    // with it (|q| ≈ √dim for unit-variance entries), cosines do not.
    out[out.length - 1].evidence += ` In dim ${c.dim}, vectors with unit-variance entries have ` +
      `|q| ≈ √${c.dim} = ${f(Math.sqrt(c.dim))}, so raw q·k reach ≈ ${c.dim} before any growth; ` +
      "a cosine is bounded by 1 in any dimension.";
  }
}

/** `norm-growth` and `rising-loss`. */
export function trajectoryFindings(c: FindingContext, out: Finding[]): void {
  const t = c.trajectory;
  if (!t) return;
  const grown = t.growth.filter((g) => g.growing && g.name !== "loss");
  const forecast = t.forecast;
  if (grown.length > 0) {
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
      title: "Embedding norms and scores are growing",
      evidence: grown.map((g) =>
        `${g.name} ${f(g.first)} → ${f(g.last)} (×${f(g.ratio, 3)} last third vs first third)`
      ).join("; ") + "." + soon,
      remedies: [...(c.normalized === true ? [] : [NORMALIZE]), FP32_LOGITS, LOCATE],
    });
  }
  const loss = t.growth.find((g) => g.name === "loss");
  if (loss?.growing) {
    const b = c.batchSize;
    const gap = b
      ? ` A loss of ${f(loss.last)} means some |logit| ≥ ${
        f(Math.max(0, (loss.last - Math.log(b - 1)) / 2))
      } (the loss is at most 2·max|logit| + ln(B − 1)).`
      : "";
    out.push({
      id: "rising-loss",
      severity: "warning",
      title: "The contrastive loss is rising",
      evidence:
        `loss ${f(loss.first)} → ${f(loss.last)} (×${f(loss.ratio, 3)} last third vs first ` +
        `third). InfoNCE rises when the negatives' scores grow with the positives': with growing norms ` +
        `(n − p)/τ grows, and log(1 + Σ e^((n − p)/τ)) with it.${gap}`,
      remedies: [
        ...(c.normalized === true ? [] : [NORMALIZE]),
        "Check the positives really are positives: with dropout views keep p ≈ 0.1.",
        LOCATE,
      ],
    });
  }
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
      "(STS-B 82.5) and p = 0.5 as bad as no dropout (71.0 vs 71.1). The seed report's explosion " +
      "stopped when p went from 0.4 to 0.1.",
    remedies: ["Use `nn.Dropout(p=0.1)` for the views (SimCSE's default)."],
  });
}
