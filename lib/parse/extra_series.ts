import { describe, nonFiniteWord } from "./series_values.ts";

/**
 * A series of its own. `steps` are training steps, or — when `aligned` — indices of the loss
 * points the values belong to (the analysis turns them into steps).
 */
export interface ExtraSeries {
  /** Training steps, or the indices of the loss points when `aligned`. */
  steps: Float64Array;
  /** The values, NaN and ±Infinity included. */
  values: Float64Array;
  /** Whether `steps` are indices of the loss points rather than training steps. */
  aligned: boolean;
}

/** The wire names of the extra series, in the order answers list them. */
export const EXTRA_SERIES = ["eval_loss", "learning_rate", "grad_norm"] as const;

/** One of {@linkcode EXTRA_SERIES}. */
export type ExtraSeriesName = typeof EXTRA_SERIES[number];

/** The extra series of one body. */
export type ExtraSeriesSet = Partial<Record<ExtraSeriesName, ExtraSeries>>;

/**
 * The series a body may carry besides the training loss: the eval loss, the learning rate and
 * the gradient norm, each on steps of its own or aligned with the loss points.
 *
 * Why: the eval loss tells memorisation from overfitting, and the learning rate explains a spike
 * that sits on a schedule event (the end of warm-up, a warm restart, a step decay). Frameworks log
 * them at other steps than the loss (Hugging Face evaluates every `eval_steps`), so each series
 * keeps its own steps; a plain array is aligned with the loss points instead (`null` there means
 * "not measured at this point", since an aligned eval series is mostly empty; the strings "NaN"
 * and "Infinity" are the non-finite values).
 *
 * Cost: O(n) for n values, one typed pass; an error names the first bad element only.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { extraSeries } from "./extra_series.ts";
 * const own = extraSeries({ steps: [100, 200], values: [2.1, "NaN"] }, "/eval_loss");
 * assertEquals([[...own.steps], [...own.values], own.aligned], [[100, 200], [2.1, NaN], false]);
 * const aligned = extraSeries([0.1, null, 0.3], "/learning_rate");
 * assertEquals([[...aligned.steps], aligned.aligned], [[0, 2], true]); // loss point indices
 * assertThrows(() => extraSeries([0.1, "fast"], "/learning_rate"), TypeError, "/learning_rate/1");
 * ```
 */
export function extraSeries(value: unknown, pointer: string): ExtraSeries {
  if (Array.isArray(value)) {
    const steps: number[] = [], values: number[] = [];
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) continue;
      steps.push(i);
      values.push(element(value[i], `${pointer}/${i}`));
    }
    return { steps: Float64Array.from(steps), values: Float64Array.from(values), aligned: true };
  }
  if (typeof value !== "object" || value === null) {
    throw new TypeError(
      `${pointer}: expected an array aligned with loss or { "steps": [...], "values": [...] }, found ${
        describe(value)
      }`,
    );
  }
  const { steps, values } = value as Record<string, unknown>;
  if (!Array.isArray(steps) || !Array.isArray(values)) {
    throw new TypeError(`${pointer}: expected "steps" and "values" arrays`);
  }
  if (steps.length !== values.length) {
    throw new TypeError(
      `${pointer}/values: expected ${steps.length} values (one per step), found ${values.length}`,
    );
  }
  const out = { steps: new Float64Array(steps.length), values: new Float64Array(values.length) };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step !== "number" || !Number.isFinite(step)) {
      throw new TypeError(`${pointer}/steps/${i}: expected a finite step, found ${describe(step)}`);
    }
    if (i > 0 && !(step > out.steps[i - 1])) {
      throw new TypeError(
        `${pointer}/steps/${i}: expected steps in increasing order, found ${step} after ${
          out.steps[i - 1]
        }`,
      );
    }
    out.steps[i] = step;
    out.values[i] = values[i] === null ? NaN : element(values[i], `${pointer}/values/${i}`);
  }
  return { ...out, aligned: false };
}

/**
 * Reads every extra series a JSON body holds, and returns the other fields; an array must have
 * one element per loss point (`lossLength`).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { extraSeriesFields } from "./extra_series.ts";
 * const { series, rest } = extraSeriesFields({ eval_loss: [null, 2.0], batch_size: 32 }, 2);
 * assertEquals([Object.keys(series), rest], [["eval_loss"], { batch_size: 32 }]);
 * assertThrows(() => extraSeriesFields({ grad_norm: [1] }, 2), TypeError, "expected 2 values");
 * ```
 */
export function extraSeriesFields(
  fields: Record<string, unknown>,
  lossLength: number,
): { series: ExtraSeriesSet; rest: Record<string, unknown> } {
  const series: ExtraSeriesSet = {};
  const rest = { ...fields };
  for (const name of EXTRA_SERIES) {
    const value = rest[name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length !== lossLength) {
      throw new TypeError(
        `/${name}: expected ${lossLength} values (one per loss value) or { "steps", "values" }, found ${value.length}`,
      );
    }
    series[name] = extraSeries(value, `/${name}`);
    delete rest[name];
  }
  return { series, rest };
}

function element(v: unknown, pointer: string): number {
  if (typeof v === "number") return v;
  const word = typeof v === "string" ? nonFiniteWord(v) : undefined;
  if (word !== undefined) return word;
  throw new TypeError(`${pointer}: expected a number, "NaN" or "Infinity", found ${describe(v)}`);
}
