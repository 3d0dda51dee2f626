import { FORMATS } from "../fp/mod.ts";
import { formatNumber as fmt } from "./format_number.ts";
import { scaleFactor, type Scaling } from "./scaling.ts";
import type { FirstOverflow, StageReport } from "./stage_types.ts";

/** "|q·k| must stay ≤ 3,275.2 (= 65,504·τ)" in the words of the scaling. */
function safeClause(s: StageReport, scaling: Scaling, how: Record<Scaling["kind"], string>) {
  if (scaling.kind === "none") {
    return s.safe_logit_limit === null ? "" : ` The logits must stay ≤ ${fmt(s.safe_logit_limit)}.`;
  }
  return s.safe_dot_limit === null
    ? ""
    : ` |q·k| must stay ≤ ${fmt(s.safe_dot_limit)} (= ${how[scaling.kind]}).`;
}

function scaled(s: StageReport, maxDot: number, scaling: Scaling, softmax: boolean): string {
  const limit = `${fmt(s.limit)}, the largest ${s.format}`;
  const then = softmax
    ? "and inf − inf in the softmax is NaN."
    : "and inf − inf or 0 · inf in the loss is NaN.";
  if (scaling.kind === "none") {
    return `the logits reach ${fmt(maxDot)} > ${limit}: they overflow to inf, ${then}`;
  }
  const by = scaling.kind === "temperature"
    ? `divided by τ = ${fmt(scaling.value)}`
    : `times logit_scale ${fmt(scaling.value)}`;
  const scaleItself = scaling.kind === "logit_scale" && !Number.isFinite(Math.fround(scaling.value))
    ? ` The scale itself is above ${fmt(FORMATS.fp32.max)}, the largest fp32, so it is inf ` +
      "before it multiplies anything (and inf · 0 = NaN)."
    : "";
  return `|q·k| up to ${fmt(maxDot)} ${by} gives ${
    fmt(maxDot * scaleFactor(scaling))
  } > ${limit}: the logits overflow to inf, ${then}${scaleItself}`;
}

/**
 * The first stage `s` that overflows for the largest |q·k| `maxDot`, with the sentence that states
 * it with its numbers: what overflowed, by how much, what
 * follows (inf − inf = NaN in the softmax), and the largest |q·k| (or logit) that stays finite. It
 * speaks of the input the user gave: τ, logit_scale, or the logged logits. `softmax` is false for a
 * loss that has no softmax after the logits (SigLIP, DCL). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeOverflow } from "./overflow_statement.ts";
 * import { analyzeStages } from "./stage_analysis.ts";
 * const scaling = { kind: "temperature", value: 0.05 } as const;
 * const maxDot = 95.8 * 93.5;
 * const { stages } = analyzeStages({
 *   maxDot, scaling, batchSize: 128, precision: "fp16-autocast", softmax: "framework",
 * });
 * const first = describeOverflow(stages[1], maxDot, scaling, 128);
 * assertEquals(first.stage, "temperature");
 * assertEquals(
 *   first.statement,
 *   "|q·k| up to 8,957.3 divided by τ = 0.05 gives 179,146 > 65,504, the largest fp16: the " +
 *     "logits overflow to inf, and inf − inf in the softmax is NaN. |q·k| must stay ≤ 3,275.2 " +
 *     "(= 65,504·τ).",
 * );
 * ```
 */
export function describeOverflow(
  s: StageReport,
  maxDot: number,
  scaling: Scaling,
  batchSize: number,
  softmax = true,
): FirstOverflow {
  const limit = `${fmt(s.limit)}, the largest ${s.format}`;
  const logit = fmt(maxDot * scaleFactor(scaling));
  let statement: string;
  switch (s.name) {
    case "matmul":
      statement = `|q·k| up to ${fmt(maxDot)} exceeds ${limit}: q @ k.T overflows to inf.` +
        (s.safe_dot_limit === null ? "" : ` |q·k| must stay ≤ ${fmt(s.safe_dot_limit)}.`);
      break;
    case "temperature":
      statement = scaled(s, maxDot, scaling, softmax) +
        safeClause(s, scaling, {
          temperature: `${fmt(s.limit)}·τ`,
          logit_scale: `${fmt(s.limit)} / logit_scale`,
          none: "",
        });
      break;
    case "exp":
      statement =
        `e^${logit} exceeds ${limit} (exp overflows above ln ${fmt(s.limit)} = ${
          fmt(Math.log(s.limit))
        }); inf / inf is NaN.` +
        safeClause(s, scaling, {
          temperature: `τ·ln ${fmt(s.limit)}`,
          logit_scale: `ln ${fmt(s.limit)} / logit_scale`,
          none: "",
        });
      break;
    case "sum":
      statement = `${batchSize}·e^${logit} exceeds ${limit}: the sum of the exps overflows.` +
        safeClause(s, scaling, {
          temperature: `τ·ln(${fmt(s.limit)}/B)`,
          logit_scale: `ln(${fmt(s.limit)}/B) / logit_scale`,
          none: "",
        });
      break;
    default:
      statement = `the log of the sum is ${String(s.value)}, from an earlier inf.`;
  }
  return {
    stage: s.name,
    operation: s.operation,
    format: s.format,
    value: s.value,
    limit: s.limit,
    safe_dot_limit: s.safe_dot_limit,
    safe_logit_limit: s.safe_logit_limit,
    max_dot: maxDot,
    statement,
  };
}
