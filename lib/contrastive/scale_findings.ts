import type { Finding } from "../findings/mod.ts";
import type { FindingContext } from "./finding_context.ts";
import { formatNumber as f } from "./format_number.ts";
import { clampRemedy, halfName, LOCATE } from "./remedies.ts";
import { scaleFactor } from "./scaling.ts";

/** The clamp as a largest multiplier of q·k (a temperature clamp is its inverse). */
function clampScale(c: FindingContext): number | null {
  const clamp = c.learnable?.clamp ?? null;
  if (clamp === null) return null;
  return c.scaling.kind === "temperature" ? 1 / clamp : clamp;
}

/**
 * The `logit-scale-unclamped` finding, appended to `out` for a learned temperature or logit scale
 * with nothing that keeps it where the logits stay finite. CLIP learns the scale as a log-parameter
 * and clamps it at ln 100 (scale ≤ 100); without a clamp, or with one above the largest safe scale,
 * gradient steps that sharpen the softmax keep raising it (kornia#3481: an unconstrained SigLIP
 * scale whose parameter reached 100 is e^100 = 2.7e43 > the largest fp32; openai/CLIP#530).
 * Critical when the current scale already overflows a stage or a forecast of the scale's own series
 * lies within 3× the observed span; a warning otherwise. The remedy is the clamp, in the words of
 * the input. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import type { Finding } from "../findings/mod.ts";
 * import type { FindingContext } from "./finding_context.ts";
 * import { logitScaleUnclamped } from "./scale_findings.ts";
 * const context: FindingContext = {
 *   scaling: { kind: "logit_scale", value: 20 }, precision: "fp16-autocast",
 *   softmax: "framework", loss: "infonce", normalized: true, batchSize: 128, dim: null,
 *   stages: null, trajectory: null, embeddings: null, dropoutP: null,
 *   learnable: { clamp: null, safe_scale: 65504 }, normalization: null, positives: null,
 *   maskFill: null, nan: null, optimizer: null,
 * };
 * const out: Finding[] = [];
 * logitScaleUnclamped(context, out);
 * assertEquals([out[0].id, out[0].severity], ["logit-scale-unclamped", "warning"]);
 * assertEquals(out[0].title, "The learnable logit scale has no clamp");
 * // clamped at CLIP's 100, below the largest safe scale: nothing to say
 * const clamped: Finding[] = [];
 * logitScaleUnclamped({ ...context, learnable: { clamp: 100, safe_scale: 65504 } }, clamped);
 * assertEquals(clamped, []);
 * ```
 */
export function logitScaleUnclamped(c: FindingContext, out: Finding[]): void {
  const l = c.learnable;
  if (!l || c.scaling.kind === "none") return;
  const clamp = clampScale(c);
  const safe = l.safe_scale;
  if (clamp !== null && (safe === null || clamp <= safe)) return;
  const scale = scaleFactor(c.scaling);
  const overflowsNow = c.stages?.first_overflow?.stage === "temperature";
  const t = c.trajectory;
  const soon = t?.forecast?.quantity === "logit_scale" && t.forecast.model !== "observed" &&
    t.forecast.steps_ahead <= 3 * Math.max(1, t.last_step - t.first_step);
  const name = c.scaling.kind === "temperature" ? "temperature" : "logit scale";
  const reach = safe === null
    ? ""
    : ` At the analysed |q·k| the logits overflow ${halfName(c.precision)} once the scale passes ${
      f(safe)
    }${c.scaling.kind === "temperature" ? ` (τ below ${f(1 / safe)})` : ""}.`;
  out.push({
    id: "logit-scale-unclamped",
    severity: overflowsNow || soon ? "critical" : "warning",
    title: clamp === null
      ? `The learnable ${name} has no clamp`
      : `The clamp of the learnable ${name} lets the logits overflow`,
    evidence: (clamp === null
      ? `the ${name} is learned and nothing bounds it: each step that sharpens the softmax can ` +
        `raise it further (now ${f(scale)} on q·k).`
      : `the clamp allows a scale of ${f(clamp)} on q·k, above the largest safe one.`) +
      reach +
      (overflowsNow ? " The current scale already overflows the logits." : "") +
      (soon ? ` Its logged growth reaches that around step ${t!.forecast!.overflow_step}.` : ""),
    remedies: [clampRemedy(c.scaling, Math.min(100, safe ?? 100)), LOCATE],
  });
}
