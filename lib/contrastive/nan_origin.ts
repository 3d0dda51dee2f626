import type { Forecast } from "./overflow_forecast.ts";
import type { TrajectoryAnalysis } from "./trajectory_analysis.ts";

/** The verdict on the first non-finite loss. */
export interface NanOrigin {
  /** The first step whose loss is NaN or ±Infinity. */
  step: number;
  /** What the forward pass says about it (see {@linkcode nanOrigin}). */
  verdict: "overflow" | "forward" | "no-overflow" | "unknown";
}

/** What the forward pass says about the step. */
export interface NanEvidence {
  /** A stage of the analysed forward pass overflows. */
  overflows: boolean;
  /** Another forward op gives NaN (F.normalize 0/0, an empty positive set, a mask sentinel). */
  forwardNan: boolean;
  /** The analysed stages describe the NaN step itself. */
  describesStep: boolean;
}

/**
 * Where the first non-finite loss of a trajectory (at `step`) came from, as far as the forward pass
 * can tell ({@linkcode observedForecast} states it as an observed "forecast").
 *
 * - `overflow`: a stage of the loss overflows for what describes that step;
 * - `forward`: another op of the forward pass gives NaN there: 0/0 in F.normalize of a zero row,
 *   an anchor with no positive, a mask sentinel beyond the format;
 * - `no-overflow`: every stage is finite for what describes that step (the stated configuration,
 *   the embeddings, or the logits or norms logged at that very step), so the NaN comes from outside
 *   the loss's forward pass: the backward pass or the optimizer's update (openai/CLIP#40);
 * - `unknown`: the stages describe an earlier step (the last logged logits were finite, but the
 *   NaN step logged none), so whether the logits overflowed is not known.
 *
 * Only `overflow` is stated as an observed overflow (high confidence), and `unknown` after logits or
 * norms that were growing, as a likely one (medium confidence, the step's logits not logged). A
 * NaN after a finite forward pass is never called an overflow. O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nanOrigin } from "./nan_origin.ts";
 * // openai/CLIP#40: every logit of that step finite
 * assertEquals(nanOrigin(1, { overflows: false, forwardNan: false, describesStep: true }), {
 *   step: 1, verdict: "no-overflow",
 * });
 * assertEquals(nanOrigin(14, { overflows: true, forwardNan: false, describesStep: true }).verdict,
 *   "overflow");
 * assertEquals(nanOrigin(14, { overflows: false, forwardNan: false, describesStep: false }).verdict,
 *   "unknown");
 * ```
 */
export function nanOrigin(step: number, e: NanEvidence): NanOrigin {
  const verdict = e.overflows
    ? "overflow"
    : e.forwardNan
    ? "forward"
    : e.describesStep
    ? "no-overflow"
    : "unknown";
  return { step, verdict };
}

/**
 * The observed forecast for an origin: the step itself, with the forecast the growth gave (if any)
 * as its quantity and limit; null when the NaN is not an overflow or not likely one. O(series).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nanOrigin, observedForecast } from "./nan_origin.ts";
 * import { analyzeTrajectory } from "./trajectory_analysis.ts";
 * const t = analyzeTrajectory([
 *   { step: 1, max_logit: 900, loss: 3 }, { step: 2, max_logit: 70000, loss: NaN },
 * ]);
 * const origin = nanOrigin(2, { overflows: true, forwardNan: false, describesStep: true });
 * const forecast = observedForecast(t, origin);
 * assertEquals([forecast?.model, forecast?.overflow_step, forecast?.confidence], [
 *   "observed", 2, "high",
 * ]);
 * const finite = nanOrigin(2, { overflows: false, forwardNan: false, describesStep: true });
 * assertEquals(observedForecast(t, finite), null); // never called an overflow
 * ```
 */
export function observedForecast(t: TrajectoryAnalysis, origin: NanOrigin): Forecast | null {
  const grew = t.growth.some((g) => g.growing && g.name !== "loss" && g.name !== "logit_scale");
  if (origin.verdict !== "overflow" && !(origin.verdict === "unknown" && grew)) return null;
  const step = origin.step;
  const base: Forecast = t.forecast ?? {
    quantity: t.growth.some((g) => g.name === "max_logit") ? "max_logit" : "norm_product",
    limit: NaN,
    last_step: step,
    last_value: NaN,
    overflow_step: step,
    steps_ahead: 0,
    range: [step, step],
    growth_per_step: NaN,
    model: "observed",
    accelerating: false,
    confidence: "high",
    models: [],
    evidence: null,
    note: "",
  };
  const grown = t.growth.filter((g) => g.growing && g.name !== "loss")
    .map((g) => `${g.name} grew ×${g.ratio.toPrecision(3)}`).join(", ");
  return {
    ...base,
    overflow_step: step,
    steps_ahead: 0,
    range: [step, step],
    model: "observed",
    confidence: origin.verdict === "overflow" ? "high" : "medium",
    note: origin.verdict === "overflow"
      ? `the loss is not finite at step ${step}, where the logits overflow`
      : `the loss is not finite at step ${step} after ${grown}; the logits of that step were ` +
        "not logged, so an overflow there is likely but not shown",
  };
}
