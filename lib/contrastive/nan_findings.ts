import type { Finding } from "../findings/mod.ts";
import { FP16_MIN_SUBNORMAL, round } from "../fp/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { outsideModel } from "./loss_kind.ts";
import { LOCATE } from "./remedies.ts";

/** Adam's defaults (torch.optim.Adam). */
const ADAM = { eps: 1e-8, beta2: 0.999 } as const;

/**
 * The largest |g| whose first second-moment term (1 − β2)·g² is 0 in fp16 with Adam's default
 * β2 = 0.999: √(2⁻²⁵/0.001) ≈ 5.5e-3.
 */
export const FP16_ADAM_SILENT_GRADIENT: number = Math.sqrt(
  FP16_MIN_SUBNORMAL / 2 / (1 - ADAM.beta2),
);

const MASTER_WEIGHTS = "Keep fp32 master weights: train the fp32 model under " +
  '`torch.autocast(device_type="cuda", dtype=torch.float16)` instead of `model.half()`, or ' +
  "convert parameters and their gradients to fp32 around `optimizer.step()` and back.";
const GRAD_SCALER = "Use `torch.cuda.amp.GradScaler`: `scaler.scale(loss).backward(); " +
  "scaler.step(optimizer); scaler.update()` skips every step whose gradients hold inf or NaN " +
  "instead of applying it; log `scaler.get_scale()` to see how often it skips.";

function precisionCause(c: FindingContext): string {
  if (c.precision === "fp16") {
    const adam = c.optimizer === null || c.optimizer.type === "adam" ||
      c.optimizer.type === "adamw";
    const eps = c.optimizer?.eps ?? ADAM.eps;
    return "The weights are fp16 and updated in fp16 (no autocast, so no fp32 master copy)." +
      (adam
        ? ` Adam's eps = ${f(eps)} is ${f(round(eps, "fp16"))} in fp16, and its second moment ` +
          `(1 − β2)·g² is 0 there for every |g| < ${f(FP16_ADAM_SILENT_GRADIENT, 2)}, so the ` +
          "update m / (√v + eps) divides by 0: weights become inf, the next forward pass NaN."
        : "");
  }
  if (c.precision.endsWith("autocast")) {
    return "Under autocast the weights stay fp32, so the NaN is a gradient that overflowed fp16 " +
      "in the backward pass and was applied: a GradScaler skips such steps.";
  }
  return "In this precision the forward pass has the range it needs: look at the update " +
    "(learning rate, exploding gradients) and at NaN inputs.";
}

/**
 * The `nan-without-overflow` finding, appended to `out` when the logged loss is NaN at a step where
 * every stage of the loss's forward pass is finite, so the NaN comes from the backward pass or the
 * optimizer (openai/CLIP#40: float16 weights, normalised features, Adam: NaN after one step with
 * every logit finite).
 *
 * The evidence follows the precision. Pure fp16 (`model.half()`): weights and Adam's state are
 * fp16, Adam's default eps 1e-8 is 0 there (PyTorch record), and its second moment (1 − β2)·g²
 * underflows to 0 for |g| < √(2⁻²⁵/(1 − β2)) ≈ 5.5e-3, so the update m/(√v + eps) divides by 0
 * (record: a 1e-5 gradient sends a weight to -inf in one step). Autocast: weights stay fp32, so
 * the NaN is a gradient that overflowed fp16 in the backward pass without a GradScaler to skip that
 * step. fp32/bf16: the update itself (learning rate, exploding gradients) or NaN inputs. Not raised
 * for losses outside the softmax model (its stages are not all checked). O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { nanWithoutOverflow } from "./nan_findings.ts";
 * const scaling = { kind: "logit_scale", value: 100 } as const;
 * const context: FindingContext = {
 *   scaling, precision: "fp16", softmax: "framework", loss: "infonce", normalized: true,
 *   batchSize: 32, dim: null, stages: null, trajectory: null, embeddings: null, dropoutP: null,
 *   learnable: null, normalization: null, positives: null, maskFill: null,
 *   nan: { step: 1, verdict: "no-overflow" }, optimizer: { type: "adam" },
 * };
 * const out: Finding[] = [];
 * nanWithoutOverflow(context, out);
 * assertEquals(
 *   out[0].title,
 *   "The loss is NaN at step 1, but no stage of its forward pass overflows",
 * );
 * assertEquals(out[0].remedies.length, 4); // master weights, GradScaler, Adam's eps, locate
 * ```
 */
export function nanWithoutOverflow(c: FindingContext, out: Finding[]): void {
  if (c.nan?.verdict !== "no-overflow" || outsideModel(c.loss) !== null) return;
  const s = c.stages;
  const worst = s ? ` (largest logit ${f(s.max_logit)})` : "";
  const halfEps = c.precision === "fp16" &&
    round(c.optimizer?.eps ?? ADAM.eps, "fp16") < 1e-6;
  out.push({
    id: "nan-without-overflow",
    severity: "critical",
    title: `The loss is NaN at step ${c.nan.step}, but no stage of its forward pass overflows`,
    evidence:
      `every stage from q @ k.T to the log is finite for what describes that step${worst}, ` +
      `so the NaN comes from outside the loss's forward pass: the backward pass or the ` +
      `optimizer's update. ${precisionCause(c)}`,
    remedies: [
      ...(c.precision === "fp16" || c.precision === "bf16" ? [MASTER_WEIGHTS] : []),
      ...(c.precision.startsWith("fp16") ? [GRAD_SCALER] : []),
      ...(halfEps
        ? [
          "If the optimizer must run on fp16 weights, give Adam an eps fp16 holds: " +
          "`torch.optim.Adam(params, eps=1e-4)` (1e-8 is 0 in fp16).",
        ]
        : []),
      LOCATE,
    ],
  });
}
