/**
 * The sentence that states a first overflow with its numbers: what overflowed, by how much, what
 * follows (inf − inf = NaN in the softmax), and the largest |q·k| that stays finite. O(1).
 *
 * @example
 * ```ts
 * // "|q·k| up to 8,957.3 divided by τ = 0.05 gives 179,146 > 65,504, the largest fp16: …"
 * ```
 */
import { formatNumber as fmt } from "./format_number.ts";
import { type Scaling, temperatureOf } from "./scaling.ts";
import type { FirstOverflow, StageReport } from "./stage_types.ts";

/** Describes the first stage `s` that overflows for the largest |q·k| `maxDot`. */
export function describeOverflow(
  s: StageReport,
  maxDot: number,
  scaling: Scaling,
  batchSize: number,
): FirstOverflow {
  const tau = temperatureOf(scaling);
  const limit = `${fmt(s.limit)}, the largest ${s.format}`;
  const safe = s.safe_dot_limit === null ? "" : ` |q·k| must stay ≤ ${fmt(s.safe_dot_limit)}`;
  let statement: string;
  switch (s.name) {
    case "matmul":
      statement = `|q·k| up to ${fmt(maxDot)} exceeds ${limit}: q @ k.T overflows to inf.` + safe +
        ".";
      break;
    case "temperature":
      statement =
        `|q·k| up to ${fmt(maxDot)} ${
          scaling.kind === "temperature"
            ? `divided by τ = ${tau}`
            : `times logit_scale ${scaling.value}`
        } gives ${fmt(maxDot / tau)} > ${limit}: the logits overflow to inf, and inf − inf in ` +
        `the softmax is NaN.${safe} (= ${fmt(s.limit)}${
          scaling.kind === "temperature" ? "·τ" : " / logit_scale"
        }).`;
      break;
    case "exp":
      statement = `e^${fmt(maxDot / tau)} exceeds ${limit} (exp overflows above ln ${
        fmt(s.limit)
      } = ${fmt(Math.log(s.limit))}); inf / inf is NaN.${safe} (= τ·ln ${fmt(s.limit)}).`;
      break;
    case "sum":
      statement = `${batchSize}·e^${fmt(maxDot / tau)} exceeds ${limit}: the sum of the exps ` +
        `overflows.${safe}.`;
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
    max_dot: maxDot,
    statement,
  };
}
