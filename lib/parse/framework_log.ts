/**
 * The shape every framework-file reader returns, and the helpers they share.
 *
 * Why: a Hugging Face `trainer_state.json`, a LLaMA-Factory `trainer_log.jsonl`, a Lightning
 * `metrics.csv` and a pasted Keras, torchvision or nanoGPT log all come down to the same things: the
 * training loss at its steps, maybe the eval loss, learning rate and gradient norm at theirs, and
 * what the file says about how it was logged — steps per epoch, a logging window, values that are
 * running means since the epoch began. The last are `implied` options: the request's own options
 * win over them.
 *
 * @example
 * ```ts
 * const log = collectPoints("nanogpt");
 * log.add("loss", 0, 4.27);
 * log.add("loss", 10, 3.48);
 * log.finish({}).loss; // Float64Array [4.27, 3.48]
 * ```
 */
import type { ExtraSeries, ExtraSeriesName, ExtraSeriesSet } from "./extra_series.ts";

/** The framework files recognised by content. */
export const FRAMEWORK_FORMATS = [
  "trainer_state",
  "trainer_log",
  "lightning_csv",
  "keras",
  "torchvision",
  "nanogpt",
] as const;

/** One of {@linkcode FRAMEWORK_FORMATS}. */
export type FrameworkFormat = typeof FRAMEWORK_FORMATS[number];

/** How the logged loss values were formed, when the file says. */
export type LoggedAs = "value" | "epoch-running-mean";

/** What a file says about how it was logged (wire names: they are request options). */
export interface ImpliedOptions {
  steps_per_epoch?: number;
  log_every?: number;
  logged_as?: LoggedAs;
}

/** A framework file read into series. */
export interface FrameworkLog {
  format: FrameworkFormat;
  loss: Float64Array;
  steps: Float64Array;
  series: ExtraSeriesSet;
  implied: ImpliedOptions;
}

/** Collects (step, value) points per series; later points at the same step replace earlier. */
export function collectPoints(format: FrameworkFormat) {
  const points: Record<string, { steps: number[]; values: number[] }> = {};
  return {
    add(name: "loss" | ExtraSeriesName, step: number, value: number): void {
      const p = points[name] ??= { steps: [], values: [] };
      const last = p.steps.length - 1;
      if (last >= 0 && p.steps[last] === step) p.values[last] = value;
      else if (last >= 0 && step < p.steps[last]) return;
      else {
        p.steps.push(step);
        p.values.push(value);
      }
    },
    count(name: "loss" | ExtraSeriesName): number {
      return points[name]?.steps.length ?? 0;
    },
    steps(name: "loss" | ExtraSeriesName): number[] {
      return points[name]?.steps ?? [];
    },
    finish(implied: ImpliedOptions): FrameworkLog {
      const loss = points.loss;
      if (!loss || loss.steps.length === 0) {
        throw new TypeError(
          `expected training-loss values in this ${FORMAT_NAMES[format]}, found none`,
        );
      }
      const series: ExtraSeriesSet = {};
      for (const name of ["eval_loss", "learning_rate", "grad_norm"] as const) {
        const p = points[name];
        if (p && p.steps.length > 0) series[name] = own(p.steps, p.values);
      }
      return {
        format,
        loss: Float64Array.from(loss.values),
        steps: Float64Array.from(loss.steps),
        series,
        implied,
      };
    },
  };
}

/** The median spacing of increasing steps (the logging interval), or undefined below 2 points. */
export function medianSpacing(steps: readonly number[]): number | undefined {
  if (steps.length < 2) return undefined;
  const gaps = new Float64Array(steps.length - 1);
  for (let i = 1; i < steps.length; i++) gaps[i - 1] = steps[i] - steps[i - 1];
  gaps.sort();
  return gaps[(gaps.length - 1) >> 1];
}

/** Human names of the formats, for messages. */
export const FORMAT_NAMES: Record<FrameworkFormat, string> = {
  trainer_state: "Hugging Face trainer_state.json",
  trainer_log: "LLaMA-Factory trainer_log.jsonl",
  lightning_csv: "Lightning metrics.csv",
  keras: "Keras progress log",
  torchvision: "torchvision MetricLogger log",
  nanogpt: "nanoGPT / llm.c log",
};

function own(steps: number[], values: number[]): ExtraSeries {
  return { steps: Float64Array.from(steps), values: Float64Array.from(values), aligned: false };
}

/** The lines of a pasted log: `\n`, `\r\n`, a bare `\r` (progress bars) and backspaces split. */
export function logLines(text: string): string[] {
  // deno-lint-ignore no-control-regex -- the backspaces of a tty progress bar are the point
  return text.split(/\r\n|[\r\n\u0008]+/);
}

/**
 * The number that starts at `at` in `line` (up to a space, comma, bar or bracket), as a value:
 * `nan` and `inf` words count; undefined when there is none.
 */
export function numberAt(line: string, at: number): number | undefined {
  while (at < line.length && line[at] === " ") at++;
  let end = at;
  while (end < line.length && !" ,|()[]\t".includes(line[end])) end++;
  const token = line.slice(at, end);
  if (token === "") return undefined;
  const value = Number(token.endsWith("%") ? token.slice(0, -1) : token);
  if (!Number.isNaN(value)) return value;
  const lower = token.toLowerCase();
  return lower === "nan"
    ? NaN
    : lower === "inf"
    ? Infinity
    : lower === "-inf"
    ? -Infinity
    : undefined;
}

/** The integer written at `at` and where it ends, or null. */
export function integerAt(line: string, at: number): { value: number; end: number } | null {
  let end = at;
  while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
  return end > at ? { value: Number(line.slice(at, end)), end } : null;
}
