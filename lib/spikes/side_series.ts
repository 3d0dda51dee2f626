import type { InputSummary, SideSeries, SpikeOptions } from "./types.ts";

/**
 * The series beside the loss (eval loss, learning rate, gradient norm) on training steps.
 *
 * Why: a series aligned with the loss points carries point indices; the rules compare steps. The
 * indices become the steps of those points (given `steps`, or index × logEvery), once, before the
 * analysis. Indices past the loss are dropped.
 *
 * Cost: O(m) for m side points.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { onSteps } from "./side_series.ts";
 * // a learning rate aligned with the loss points, logged every 10 steps
 * const lr = { steps: Float64Array.of(0, 1), values: Float64Array.of(1e-3, 5e-4), aligned: true };
 * const { learningRate } = onSteps({ learningRate: lr, logEvery: 10 }, (i) => 10 * i, 2);
 * assertEquals([[...learningRate!.steps], learningRate!.aligned], [[0, 10], false]);
 * ```
 */
export function onSteps(
  options: SpikeOptions,
  stepOf: (index: number) => number,
  n: number,
): SpikeOptions {
  const resolve = (series: SideSeries | undefined): SideSeries | undefined => {
    if (!series?.aligned) return series;
    const steps: number[] = [], values: number[] = [];
    for (let i = 0; i < series.steps.length; i++) {
      if (series.steps[i] >= n) continue;
      steps.push(stepOf(series.steps[i]));
      values.push(series.values[i]);
    }
    return { steps: Float64Array.from(steps), values: Float64Array.from(values), aligned: false };
  };
  return {
    ...options,
    evalLoss: resolve(options.evalLoss),
    learningRate: resolve(options.learningRate),
    gradNorm: resolve(options.gradNorm),
  };
}

/**
 * What the analysis was given, for the answer's `input`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { inputSummary } from "./side_series.ts";
 * const lr = { steps: Float64Array.of(0, 10), values: Float64Array.of(1e-3, 5e-4) };
 * assertEquals(inputSummary(100, { learningRate: lr }), {
 *   format: "json",
 *   series: { loss: 100, eval_loss: 0, learning_rate: 2, grad_norm: 0 },
 *   from_file: {},
 * });
 * ```
 */
export function inputSummary(n: number, options: SpikeOptions): InputSummary {
  return {
    format: options.source?.format ?? "json",
    series: {
      loss: n,
      eval_loss: options.evalLoss?.values.length ?? 0,
      learning_rate: options.learningRate?.values.length ?? 0,
      grad_norm: options.gradNorm?.values.length ?? 0,
    },
    from_file: { ...options.source?.fromFile },
  };
}
