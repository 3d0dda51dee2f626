/**
 * The findings of a contrastive-loss check: what will (or did) turn the loss into NaN, and the
 * changes that prevent it, most effective first.
 *
 * Ids (lib/findings): `logit-overflow` (q @ k.T or / τ exceeds the half format: critical; within a
 * factor 2 of it: warning), `naive-softmax-overflow` (a hand-written exp/sum overflows: critical;
 * under autocast, where exp runs in fp32, but the logits exceed ln 65504 so the same code overflows
 * in pure fp16: info), `temperature-too-low` (the division by τ is the stage that overflows, or
 * the logit scale is above CLIP's clamp of 100), `no-l2-normalization` (warning in half precision or
 * when norms grow or overflow, info otherwise), `norm-growth` and `rising-loss` (from a trajectory),
 * `dropout-too-strong` (p ≥ 0.3 warning, 0.2 < p < 0.3 info: the two views of SimCSE-style
 * positives have cosine ≈ 1 − p). Remedies are PyTorch code to paste. O(1).
 */
import { FP16_LOG_MAX, FP32_LOG_MAX } from "../fp/mod.ts";
import type { Finding } from "../findings/mod.ts";
import type { EmbeddingsAnalysis } from "./embeddings_loss.ts";
import { formatNumber as f } from "./format_number.ts";
import type { Precision, SoftmaxKind } from "./precision.ts";
import type { Scaling } from "./scaling.ts";
import type { StageAnalysis } from "./stage_analysis.ts";
import type { TrajectoryAnalysis } from "./trajectory_analysis.ts";

/** Everything the findings are drawn from. */
export interface FindingContext {
  scaling: Scaling;
  precision: Precision;
  softmax: SoftmaxKind;
  /** true/false as stated or measured; null when unknown. */
  normalized: boolean | null;
  batchSize: number | null;
  /** The embedding dimension, when known. */
  dim: number | null;
  stages: StageAnalysis | null;
  trajectory: TrajectoryAnalysis | null;
  embeddings: Omit<EmbeddingsAnalysis, "per_row"> | null;
  dropoutP: number | null;
}

const NORMALIZE =
  "L2-normalise both sides before the similarity: `q = F.normalize(q, dim=-1)` and " +
  "`k = F.normalize(k, dim=-1)`; then |logit| ≤ 1/τ whatever the norms do (the usual " +
  "cosine + temperature InfoNCE of SimCLR, SimCSE and CLIP).";
const FP32_LOGITS =
  'Compute the logits and the loss in fp32: `with torch.autocast(device_type="cuda", ' +
  "enabled=False): logits = q.float() @ k.float().T / tau; loss = F.cross_entropy(logits, labels)`.";
const CROSS_ENTROPY =
  "Replace the hand-written softmax with `F.cross_entropy(logits, labels)` (or " +
  "`torch.logsumexp` / `F.log_softmax`): they subtract each row's max, so exp never exceeds 1. If it " +
  "must stay hand-written, subtract the max first: `logits = logits - logits.max(dim=-1, " +
  "keepdim=True).values.detach()`.";
const CLAMP =
  "If the scale is learnable, clamp it as CLIP does: `model.logit_scale.data.clamp_(0, " +
  "math.log(100))` after each step (scale ≤ 100, i.e. τ ≥ 0.01).";
const LOCATE =
  "To see it coming in your run: log `q.norm(dim=-1).mean()`, `k.norm(dim=-1).mean()` " +
  "and `logits.abs().max()` every step, and run a few steps under " +
  "`with torch.autograd.detect_anomaly():` to get the op that produced the first NaN.";

function halfName(precision: Precision): string {
  return precision.startsWith("bf16") ? "bf16" : precision.startsWith("fp16") ? "fp16" : "fp32";
}

function logitOverflow(c: FindingContext, out: Finding[]): void {
  const s = c.stages;
  const measured = c.embeddings?.first_nonfinite.stable;
  const first = s?.first_overflow;
  const tau = c.scaling.kind === "temperature" ? c.scaling.value : 1 / c.scaling.value;
  // A larger τ helps only when the division, not the matmul, overflows.
  const remedies = (neededTau: number | null) => [
    ...(c.normalized === true ? [] : [NORMALIZE]),
    FP32_LOGITS,
    ...(neededTau === null
      ? []
      : [`Use a larger temperature: τ ≥ ${f(neededTau)} keeps these logits finite.`]),
    ...(c.scaling.kind === "logit_scale" ? [CLAMP] : []),
    LOCATE,
  ];
  if (first && (first.stage === "matmul" || first.stage === "temperature")) {
    out.push({
      id: "logit-overflow",
      severity: "critical",
      title: `The logits overflow ${first.format} at \`${first.operation}\``,
      evidence: first.statement,
      remedies: remedies(first.stage === "temperature" ? first.max_dot / first.limit : null),
    });
    return;
  }
  if (measured && (measured.stage === "matmul" || measured.stage === "temperature")) {
    const e = c.embeddings!;
    out.push({
      id: "logit-overflow",
      severity: "critical",
      title: `The logits of these embeddings overflow at \`${measured.op}\``,
      evidence: `row ${measured.row}, column ${measured.column}: ${
        measured.operands.map((x) => f(x)).join(", ")
      } → ${measured.value}; the largest |q·k| is ${f(e.max_abs_dot)}.`,
      remedies: remedies(measured.stage === "temperature" ? e.max_abs_dot / 65504 : null),
    });
    return;
  }
  if (!s || first) return;
  // No overflow yet: warn when the largest |q·k| is within a factor 2 of the matmul or / τ limit.
  const dot = s.max_logit * tau;
  const tight = s.stages.slice(0, 2).find((st) => dot > 0.5 * (st.safe_dot_limit ?? Infinity));
  if (tight) {
    out.push({
      id: "logit-overflow",
      severity: "warning",
      title: "The logits are within a factor 2 of overflowing",
      evidence:
        `the largest |q·k| is ${f(dot)}; \`${tight.operation}\` overflows ${tight.format} ` +
        `above |q·k| = ${f(tight.safe_dot_limit!)}. Norms that double once more will overflow it.`,
      remedies: remedies(tight.name === "temperature" ? (2 * dot) / tight.limit : null),
    });
  }
}

function naiveOverflow(c: FindingContext, out: Finding[]): void {
  if (c.softmax !== "naive") return;
  const first = c.stages?.first_overflow;
  const measured = c.embeddings?.first_nonfinite.naive;
  if (first && (first.stage === "exp" || first.stage === "sum")) {
    out.push({
      id: "naive-softmax-overflow",
      severity: "critical",
      title: `The hand-written softmax overflows at \`${first.operation}\``,
      evidence: first.statement,
      remedies: [CROSS_ENTROPY, ...(c.normalized === true ? [] : [NORMALIZE]), LOCATE],
    });
  } else if (measured && (measured.stage === "exp" || measured.stage === "sum")) {
    out.push({
      id: "naive-softmax-overflow",
      severity: "critical",
      title: "The hand-written softmax overflows on these embeddings",
      evidence: `row ${measured.row}: ${measured.op}(${
        measured.operands.map(f).join(", ")
      }) = ${measured.value} (exp overflows ${halfName(c.precision)} above ${
        f(c.precision.startsWith("fp16") ? FP16_LOG_MAX : FP32_LOG_MAX)
      }).`,
      remedies: [CROSS_ENTROPY, LOCATE],
    });
  } else if (
    c.precision.endsWith("autocast") && c.stages && c.stages.max_logit > FP16_LOG_MAX &&
    c.stages.max_logit <= FP32_LOG_MAX
  ) {
    out.push({
      id: "naive-softmax-overflow",
      severity: "info",
      title: "The hand-written softmax survives only because autocast runs exp in fp32",
      evidence:
        `the largest logit ${f(c.stages.max_logit)} is above ln 65504 = ${f(FP16_LOG_MAX)}: e^${
          f(c.stages.max_logit)
        } overflows fp16. Under autocast torch.exp runs in fp32 (overflow ` +
        `above ${
          f(FP32_LOG_MAX)
        }), but the same code on half tensors without autocast (model.half(), ` +
        "inference) returns inf and then NaN.",
      remedies: [CROSS_ENTROPY],
    });
  }
}

function temperatureTooLow(c: FindingContext, out: Finding[]): void {
  const scale = c.scaling.kind === "temperature" ? 1 / c.scaling.value : c.scaling.value;
  const first = c.stages?.first_overflow;
  if (first?.stage === "temperature") {
    const needed = first.max_dot / first.limit;
    out.push({
      id: "temperature-too-low",
      severity: "warning",
      title: "The division by the temperature is what overflows",
      evidence:
        `q @ k.T itself fits ${first.format} (|q·k| ≤ ${f(first.max_dot)}), but scaling by ${
          f(scale)
        } (τ = ${f(1 / scale)}) takes it past ${
          f(first.limit)
        }. A smaller τ makes it sooner: the seed ` +
        "report's NaN came sooner at τ = 0.05 than at 1.",
      remedies: [
        `Use τ ≥ ${f(needed)} (|q·k| / ${f(first.limit)}), or bound |q·k| by normalising.`,
        ...(c.normalized === true ? [] : [NORMALIZE]),
        ...(c.scaling.kind === "logit_scale" ? [CLAMP] : []),
        FP32_LOGITS,
      ],
    });
  } else if (scale > 100) {
    out.push({
      id: "temperature-too-low",
      severity: "warning",
      title: `A logit scale of ${f(scale)} is above CLIP's clamp of 100`,
      evidence: `τ = ${f(1 / scale)}: logits are |q·k|·${f(scale)}; CLIP clamps its learnable ` +
        "scale at 100 (τ ≥ 0.01) because larger scales destabilise training.",
      remedies: [CLAMP, "Or fix τ in [0.05, 0.1], the range SimCLR, MoCo and SimCSE use."],
    });
  }
}

function noNormalization(c: FindingContext, out: Finding[]): void {
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

function trajectoryFindings(c: FindingContext, out: Finding[]): void {
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

function dropoutFinding(c: FindingContext, out: Finding[]): void {
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

/** The findings, in the order the analyses raise them (sort with `bySeverity`). */
export function contrastiveFindings(c: FindingContext): Finding[] {
  const out: Finding[] = [];
  logitOverflow(c, out);
  naiveOverflow(c, out);
  temperatureTooLow(c, out);
  noNormalization(c, out);
  trajectoryFindings(c, out);
  dropoutFinding(c, out);
  return out;
}
