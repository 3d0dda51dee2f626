/**
 * The findings about overflow in the forward pass: `logit-overflow` (q @ k.T or / τ exceeds the
 * half format: critical; within a factor 2 of it: warning), `naive-softmax-overflow` (a
 * hand-written exp/sum overflows: critical; under autocast, where exp runs in fp32, but the logits
 * exceed ln 65504 so the same code overflows in pure fp16: info) and `temperature-too-low` (the
 * division by τ is the stage that overflows, or the logit scale is above CLIP's clamp of 100).
 * Each appends to `out`. O(1).
 */
import type { Finding } from "../findings/mod.ts";
import { FP16_LOG_MAX, FP32_LOG_MAX } from "../fp/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { CLAMP, CROSS_ENTROPY, FP32_LOGITS, halfName, LOCATE, NORMALIZE } from "./remedies.ts";

/** `logit-overflow`. */
export function logitOverflow(c: FindingContext, out: Finding[]): void {
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

/** `naive-softmax-overflow`. */
export function naiveOverflow(c: FindingContext, out: Finding[]): void {
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

/** `temperature-too-low`. */
export function temperatureTooLow(c: FindingContext, out: Finding[]): void {
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
