import { type Format, FORMATS, round } from "../fp/mod.ts";
import { logSumExpParts, lseValue, OpEvaluator } from "../lse/mod.ts";
import { type PrecisionPlan, precisionPlan } from "./precision.ts";
import { formatNumber } from "./format_number.ts";
import { describeOverflow } from "./overflow_statement.ts";
import { applyScaling, scaleFactor, type Scaling, temperatureOf } from "./scaling.ts";
import {
  CORE_STAGE,
  type StageAnalysis,
  type StageInput,
  type StageName,
  type StageReport,
} from "./stage_types.ts";

export type {
  FirstOverflow,
  StageAnalysis,
  StageInput,
  StageName,
  StageReport,
} from "./stage_types.ts";

function checkInput(maxDot: number, batchSize: number): void {
  if (!(maxDot >= 0 && maxDot < Infinity)) {
    throw new RangeError(`the largest |q·k| must be finite and ≥ 0, found ${maxDot}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 2) {
    throw new RangeError(`batch_size must be an integer ≥ 2, found ${batchSize}`);
  }
}

/** The op the scaling stage names: `q @ k.T / 0.05`, `20 * (q @ k.T)`, or the logged logits. */
function scalingOp(scaling: Scaling): string {
  return scaling.kind === "temperature"
    ? `q @ k.T / ${formatNumber(scaling.value)}`
    : scaling.kind === "logit_scale"
    ? `${formatNumber(scaling.value)} * (q @ k.T)`
    : "logits (as logged)";
}

/**
 * The softmax stages on the worst row for the sum, B copies of the largest logit, op by op in the
 * softmax's formats; `stage` builds a report from a value and its limit on the logits.
 */
function softmaxStages(
  logit: number,
  input: StageInput,
  plan: PrecisionPlan,
  stage: (n: StageName, op: string, f: Format, v: number, safe: number | null) => StageReport,
) {
  const naive = input.softmax === "naive";
  const ev = new OpEvaluator(plan.softmax, plan.accumulate);
  const row = ev.inputs(new Array<number>(input.batchSize).fill(logit));
  const parts = logSumExpParts(row, naive ? "naive" : "stable", ev);
  const lse = lseValue(parts, ev);
  const shifted = naive ? row[0] : round(row[0] - parts.shift, plan.softmax);
  const exp = round(Math.exp(shifted), plan.softmax);
  const softMax = FORMATS[plan.softmax].max;
  const reports = [
    stage(
      "exp",
      naive ? "torch.exp(logits)" : "exp(logits - max) inside the softmax",
      plan.softmax,
      exp,
      naive ? Math.log(softMax) : null,
    ),
    stage(
      "sum",
      naive ? "torch.exp(logits).sum(-1)" : "sum of exp(logits - max)",
      plan.softmax,
      parts.sum,
      naive ? Math.log(softMax / input.batchSize) : null,
    ),
    stage("log", naive ? "torch.log(sum)" : "max + log(sum)", plan.softmax, lse, null),
  ];
  // The core's trace names the op that first went non-finite; stages before it stay finite.
  return { reports, traced: ev.first ? CORE_STAGE[ev.first.stage] : null };
}

/**
 * Follows the largest possible logit through the five stages of an InfoNCE forward pass, in the
 * formats PyTorch uses, and says where it first becomes inf or NaN and how large |q·k| may be
 * for each stage to survive.
 *
 * Stages: `matmul` (q @ k.T, written in the matmul format), `temperature` (/ τ or × logit_scale,
 * written in the logits format; when only the logits are known, scaling `none`, this is the logits
 * as logged and there is no matmul stage), `exp`, `sum` and `log` (the softmax / cross-entropy, by the
 * framework's max-shifted kernel or a hand-written naive one, see {@linkcode precisionPlan}). The
 * worst case for the sum is a row of B equal logits, so the exp, sum and log stages are evaluated op
 * by op on that row with the lse core. With `maxDot` = |q|·|k| (Cauchy–Schwarz: |q·k| ≤ |q|·|k|,
 * equality for parallel vectors) the verdict is a guarantee: no entry can overflow earlier.
 *
 * Safe limits on the logits (M = the largest finite value of the stage's format): temperature M;
 * naive exp ln M (11.09 in fp16); naive sum ln(M/B); the framework's exp, sum and log have none
 * (exp(ℓ − max) ≤ 1, the sum ≤ B). On |q·k| each is that times τ (65504·0.05 = 3275.2 in fp16,
 * 0.05·11.09 = 0.5545), and matmul's is M itself. A value may exceed M by less than half an ulp
 * and still round to M (65519 → 65504); the limits state M itself. O(B).
 *
 * @throws {RangeError} for a |q·k| that is not finite and ≥ 0, or a batch size below 2.
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { analyzeStages } from "./stage_analysis.ts";
 * // The SimCSE report: |q| = 95.8, |k| = 93.5, τ = 0.05, B = 128, fp16 autocast.
 * const a = analyzeStages({
 *   maxDot: 95.8 * 93.5, scaling: { kind: "temperature", value: 0.05 }, batchSize: 128,
 *   precision: "fp16-autocast", softmax: "framework",
 * });
 * assertEquals(a.max_logit, 179146);
 * assertEquals(a.first_overflow?.stage, "temperature"); // q @ k.T itself fits fp16
 * assertEquals(a.stages.map((s) => [s.name, s.overflows]), [
 *   ["matmul", false], ["temperature", true], ["exp", true], ["sum", true], ["log", true],
 * ]);
 * assertEquals(a.safe_logit_limit, 65504);
 * ```
 */
export function analyzeStages(input: StageInput): StageAnalysis {
  const { maxDot, scaling, batchSize, precision, softmax } = input;
  checkInput(maxDot, batchSize);
  const withSoftmax = input.softmaxStages !== false;
  const plan = precisionPlan(precision, softmax);
  const tau = temperatureOf(scaling);
  const scale = scaleFactor(scaling);
  const known = scaling.kind !== "none";
  const dot = known ? round(maxDot, plan.matmul) : maxDot;
  const logit = applyScaling(dot, scaling, plan.logits);
  // `safeLogit` is the stage's limit on the logits; on |q·k| it is that times τ.
  const stage = (
    name: StageName,
    operation: string,
    format: Format,
    value: number,
    safeLogit: number | null,
  ): StageReport => ({
    name,
    operation,
    format,
    value,
    limit: FORMATS[format].max,
    overflows: !Number.isFinite(value),
    safe_dot_limit: known && safeLogit !== null ? safeLogit * tau : null,
    safe_logit_limit: safeLogit,
  });
  const matmulMax = FORMATS[plan.matmul].max;
  const stages = [
    ...(known
      ? [{
        ...stage("matmul", "q @ k.T", plan.matmul, dot, matmulMax * scale),
        safe_dot_limit: matmulMax,
      }]
      : []),
    stage("temperature", scalingOp(scaling), plan.logits, logit, FORMATS[plan.logits].max),
  ];
  const tail = softmaxStages(logit, input, plan, stage);
  if (withSoftmax) stages.push(...tail.reports);
  const traced = withSoftmax ? tail.traced : null;
  const first = stages.find((s) => s.overflows) ??
    (traced ? stages.find((s) => s.name === traced) : undefined);
  const afterScaling = stages.filter((s) => s.name !== "matmul");
  return {
    max_logit: maxDot * scale,
    stages,
    first_overflow: first ? describeOverflow(first, maxDot, scaling, batchSize, withSoftmax) : null,
    safe_dot_limit: known ? Math.min(...stages.map((s) => s.safe_dot_limit ?? Infinity)) : null,
    safe_logit_limit: Math.min(...afterScaling.map((s) => s.safe_logit_limit ?? Infinity)),
  };
}
