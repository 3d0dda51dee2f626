import type { Finding } from "../findings/mod.ts";
import { FP16_LOG_MAX, FP32_LOG_MAX } from "../fp/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { outsideModel } from "./loss_kind.ts";
import {
  clampRemedy,
  CROSS_ENTROPY,
  fp32LogitsRemedy,
  halfName,
  LOCATE,
  normalizeRemedy,
} from "./remedies.ts";
import { scaleFactor } from "./scaling.ts";
import { scaleWords } from "./scale_words.ts";

/** The remedies of a logit overflow; `bound` is the largest safe scale when scaling can help. */
function overflowRemedies(c: FindingContext, bound: number | null): string[] {
  const words = scaleWords(c.scaling);
  return [
    ...(c.normalized === true ? [] : [normalizeRemedy(c.scaling)]),
    fp32LogitsRemedy(c.scaling),
    ...(bound === null || c.scaling.kind === "none" ? [] : [
      `${words.bound(bound)[0].toUpperCase()}${words.bound(bound).slice(1)}: that keeps ` +
      "these logits finite.",
    ]),
    ...(c.learnable ? [clampRemedy(c.scaling, Math.min(100, bound ?? 100))] : []),
    LOCATE,
  ];
}

/**
 * The `logit-overflow` finding, one of the findings about overflow in the forward pass, appended to
 * `out`: q @ k.T or the scaling exceeds the half format (critical), or comes within a factor 2 of
 * it (warning). Its sentences follow the input: a temperature, a logit scale, or the logged logits.
 * O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { logitOverflow } from "./overflow_findings.ts";
 * import { analyzeStages } from "./stage_analysis.ts";
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
 * const at = (maxDot: number) => analyzeStages({
 *   maxDot, scaling: base.scaling, batchSize: 128, precision: "fp16-autocast", softmax: "framework",
 * });
 * // |q·k| = 95.8 × 93.5, /0.05 = 179 146 > 65 504; then 2000/0.05 = 40 000, within 2× of it
 * assertEquals(found(logitOverflow, { ...base, stages: at(95.8 * 93.5) }), [
 *   ["logit-overflow", "critical"],
 * ]);
 * assertEquals(found(logitOverflow, { ...base, stages: at(2000) }), [
 *   ["logit-overflow", "warning"],
 * ]);
 * assertEquals(found(logitOverflow, { ...base, stages: at(1) }), []);
 * ```
 */
export function logitOverflow(c: FindingContext, out: Finding[]): void {
  const s = c.stages;
  const measured = c.embeddings?.first_nonfinite.stable;
  const first = s?.first_overflow;
  if (first && (first.stage === "matmul" || first.stage === "temperature")) {
    out.push({
      id: "logit-overflow",
      severity: "critical",
      title: `The logits overflow ${first.format} at \`${first.operation}\``,
      evidence: first.statement,
      remedies: overflowRemedies(
        c,
        first.stage === "temperature" && first.max_dot > 0 ? first.limit / first.max_dot : null,
      ),
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
      remedies: overflowRemedies(
        c,
        measured.stage === "temperature" && e.max_abs_dot > 0 ? 65504 / e.max_abs_dot : null,
      ),
    });
    return;
  }
  if (!s || first) return;
  // No overflow yet: warn when the largest logit is within a factor 2 of a limit before the softmax.
  const tight = s.stages.filter((st) => st.name === "matmul" || st.name === "temperature")
    .find((st) => s.max_logit > 0.5 * (st.safe_logit_limit ?? Infinity));
  if (tight) {
    const scale = scaleFactor(c.scaling);
    const dotText = c.scaling.kind === "none"
      ? `the largest logit is ${
        f(s.max_logit)
      }; \`${tight.operation}\` overflows ${tight.format} ` +
        `above ${f(tight.safe_logit_limit!)}.`
      : `the largest |q·k| is ${f(s.max_logit / scale)}; \`${tight.operation}\` overflows ` +
        `${tight.format} above |q·k| = ${f(tight.safe_dot_limit!)}.`;
    out.push({
      id: "logit-overflow",
      severity: "warning",
      title: "The logits are within a factor 2 of overflowing",
      evidence: `${dotText} Norms that double once more will overflow it.`,
      remedies: overflowRemedies(
        c,
        tight.name === "temperature" ? tight.limit / (2 * s.max_logit / scale) : null,
      ),
    });
  }
}

/**
 * The `naive-softmax-overflow` finding, appended to `out`: a hand-written exp/sum overflows
 * (critical), or survives under autocast only because exp runs in fp32 while the logits exceed
 * ln 65504, so the same code overflows in pure fp16 (info). Not raised for losses outside the
 * softmax model (SigLIP, DCL). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { naiveOverflow } from "./overflow_findings.ts";
 * import { analyzeStages } from "./stage_analysis.ts";
 * import type { Precision } from "./precision.ts";
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
 * const naive = (precision: Precision): FindingContext => ({
 *   ...base, precision, softmax: "naive",
 *   stages: analyzeStages({
 *     maxDot: 1, scaling: base.scaling, batchSize: 128, precision, softmax: "naive",
 *   }),
 * });
 * // normalised embeddings, τ = 0.05: logits up to 20 > ln 65504 = 11.09
 * assertEquals(found(naiveOverflow, naive("fp16")), [["naive-softmax-overflow", "critical"]]);
 * assertEquals(found(naiveOverflow, naive("fp16-autocast")), [["naive-softmax-overflow", "info"]]);
 * ```
 */
export function naiveOverflow(c: FindingContext, out: Finding[]): void {
  if (c.softmax !== "naive" || outsideModel(c.loss) !== null) return;
  const first = c.stages?.first_overflow;
  const measured = c.embeddings?.first_nonfinite.naive;
  if (first && (first.stage === "exp" || first.stage === "sum")) {
    out.push({
      id: "naive-softmax-overflow",
      severity: "critical",
      title: `The hand-written softmax overflows at \`${first.operation}\``,
      evidence: first.statement,
      remedies: [
        CROSS_ENTROPY,
        ...(c.normalized === true ? [] : [normalizeRemedy(c.scaling)]),
        LOCATE,
      ],
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

/**
 * The `temperature-too-low` finding, appended to `out`: the scaling is the stage that overflows, or
 * a fixed logit scale is above CLIP's clamp of 100 (τ below 0.01). A warning either way. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { temperatureTooLow } from "./overflow_findings.ts";
 * import { analyzeStages } from "./stage_analysis.ts";
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
 * const stages = analyzeStages({
 *   maxDot: 95.8 * 93.5, scaling: base.scaling, batchSize: 128, precision: "fp16-autocast",
 *   softmax: "framework",
 * });
 * assertEquals(found(temperatureTooLow, { ...base, stages }), [
 *   ["temperature-too-low", "warning"],
 * ]);
 * const cold = { ...base, scaling: { kind: "temperature", value: 0.005 } } as const;
 * assertEquals(found(temperatureTooLow, cold), [["temperature-too-low", "warning"]]);
 * ```
 */
export function temperatureTooLow(c: FindingContext, out: Finding[]): void {
  if (c.scaling.kind === "none") return;
  const scale = scaleFactor(c.scaling);
  const words = scaleWords(c.scaling);
  const first = c.stages?.first_overflow;
  if (first?.stage === "temperature") {
    const bound = first.max_dot > 0 ? first.limit / first.max_dot : 0;
    out.push({
      id: "temperature-too-low",
      severity: "warning",
      title: `${words.op[0].toUpperCase()}${words.op.slice(1)} is what overflows`,
      evidence: `q @ k.T itself fits ${first.format} (|q·k| ≤ ${f(first.max_dot)}), but ` +
        `${words.op} (${words.name}) takes it past ${f(first.limit)}: every logit is |q·k| times ` +
        `${f(scale)}.`,
      remedies: [
        `${words.bound(bound)[0].toUpperCase()}${words.bound(bound).slice(1)} ` +
        `(${f(first.limit)} / |q·k|), or bound |q·k| by normalising.`,
        ...(c.normalized === true ? [] : [normalizeRemedy(c.scaling)]),
        ...(c.learnable ? [clampRemedy(c.scaling, Math.min(100, bound))] : []),
        fp32LogitsRemedy(c.scaling),
      ],
    });
  } else if (scale > 100 && !c.learnable) {
    out.push({
      id: "temperature-too-low",
      severity: "warning",
      title: c.scaling.kind === "temperature"
        ? `τ = ${f(c.scaling.value)} is below CLIP's bound of 0.01`
        : `A logit scale of ${f(scale)} is above CLIP's clamp of 100`,
      evidence: `logits are |q·k|·${f(scale)}; CLIP bounds its learnable scale at 100 because ` +
        "larger scales destabilise training.",
      remedies: [
        clampRemedy(c.scaling),
        c.scaling.kind === "temperature"
          ? "Or fix τ in [0.05, 0.1], the range SimCLR, MoCo and SimCSE use."
          : "Or fix the scale between 10 and 20, the range of SimCLR, MoCo and SimCSE.",
      ],
    });
  }
}
