import { EXTRA_SERIES, type ExtraSeriesName, type ExtraSeriesSet } from "./extra_series.ts";
import { SeriesTooLong } from "./series_values.ts";

/**
 * The framework files recognised by content (see `framework_body.ts`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FRAMEWORK_FORMATS } from "./framework_log.ts";
 * assertEquals(FRAMEWORK_FORMATS.includes("trainer_state"), true);
 * ```
 */
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
  /** Training steps in one epoch. */
  steps_per_epoch?: number;
  /** Steps between two logged points (each point may be their mean). */
  log_every?: number;
  /** How each value was formed: one step's (or window's) loss, or the epoch's running mean. */
  logged_as?: LoggedAs;
}

/**
 * A framework file read into series: the shape every framework-file reader returns.
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
 * import { assertEquals } from "@std/assert";
 * import type { FrameworkLog } from "./framework_log.ts";
 * import { readNanoGptLog } from "./nanogpt_log.ts";
 * const log: FrameworkLog = readNanoGptLog("iter 0: loss 4.27\niter 10: loss 3.48\n");
 * assertEquals([log.format, [...log.steps], log.implied], [
 *   "nanogpt", [0, 10], { logged_as: "value" }, // single iterations' losses
 * ]);
 * ```
 */
export interface FrameworkLog {
  /** Which framework's file it was. */
  format: FrameworkFormat;
  /** The training loss, one value per logged step. */
  loss: Float64Array;
  /** The step of each loss value. */
  steps: Float64Array;
  /** The eval loss, learning rate and gradient norm, at steps of their own. */
  series: ExtraSeriesSet;
  /** The options the file implies (the request's own win). */
  implied: ImpliedOptions;
}

/** The series a reader collects: the training loss and the extra series. */
export type SeriesName = "loss" | ExtraSeriesName;

/** What {@linkcode collectPoints} returns: the points of a file's series as they are read. */
export interface PointCollector {
  /** Adds a point to a series (see {@linkcode collectPoints} for the order rules). */
  add(name: SeriesName, step: number, value: number): void;
  /** Forgets a series' points (a reader that learns they came from the wrong lines). */
  clear(name: SeriesName): void;
  /** The steps of a series so far (a view, valid until the next `add`). */
  steps(name: SeriesName): Float64Array;
  /** The file read, with what it implies; a TypeError when it held no training loss. */
  finish(implied: ImpliedOptions): FrameworkLog;
}

/**
 * Collects (step, value) points per series; later points at the same step replace earlier, and
 * points at an earlier step than the last are dropped. A series that would pass `maxValues`
 * points stops the reading with {@linkcode SeriesTooLong}, before the rest of the file is read.
 * O(1) per point (typed arrays that double as they fill).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { collectPoints } from "./framework_log.ts";
 * const log = collectPoints("nanogpt");
 * log.add("loss", 0, 4.27);
 * log.add("loss", 10, 3.5);
 * log.add("loss", 10, 3.48); // the same step again: replaces
 * log.add("loss", 5, 9.99); // an earlier step: dropped
 * assertEquals([...log.finish({}).loss], [4.27, 3.48]);
 * const short = collectPoints("nanogpt", 1);
 * short.add("loss", 0, 4.27);
 * assertThrows(() => short.add("loss", 10, 3.48), RangeError, "the training loss of this nanoGPT");
 * ```
 */
export function collectPoints(
  format: FrameworkFormat,
  maxValues: number = Infinity,
): PointCollector {
  const points: Record<SeriesName, Points> = {
    loss: new Points(),
    eval_loss: new Points(),
    learning_rate: new Points(),
    grad_norm: new Points(),
  };
  return {
    add(name: SeriesName, step: number, value: number): void {
      const p = points[name], last = p.length - 1;
      if (last >= 0 && p.steps[last] === step) p.values[last] = value;
      else if (last >= 0 && step < p.steps[last]) return;
      else {
        if (p.length >= maxValues) {
          throw new SeriesTooLong(maxValues, undefined, named(name, format));
        }
        p.push(step, value);
      }
    },
    /** Forgets a series' points (a reader that learns they came from the wrong lines). */
    clear(name: SeriesName): void {
      points[name] = new Points();
    },
    /** The steps of a series so far (a view, valid until the next `add`). */
    steps(name: SeriesName): Float64Array {
      return points[name].steps.subarray(0, points[name].length);
    },
    finish(implied: ImpliedOptions): FrameworkLog {
      const loss = points.loss;
      if (loss.length === 0) {
        throw new TypeError(
          `expected training-loss values in this ${FORMAT_NAMES[format]}, found none`,
        );
      }
      const series: ExtraSeriesSet = {};
      for (const name of EXTRA_SERIES) {
        const p = points[name];
        if (p.length > 0) series[name] = { ...p.copy(), aligned: false };
      }
      const { steps, values } = loss.copy();
      return { format, loss: values, steps, series, implied };
    },
  };
}

/** The points of one series, in typed arrays that double as they fill. */
class Points {
  steps = new Float64Array(64);
  values = new Float64Array(64);
  length = 0;

  push(step: number, value: number): void {
    if (this.length === this.steps.length) {
      this.steps = grown(this.steps);
      this.values = grown(this.values);
    }
    this.steps[this.length] = step;
    this.values[this.length++] = value;
  }

  /** The points, in arrays of their own length. */
  copy(): { steps: Float64Array; values: Float64Array } {
    return { steps: this.steps.slice(0, this.length), values: this.values.slice(0, this.length) };
  }
}

function grown(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** A series of a file, named for a message: "the eval_loss series of this Keras progress log". */
function named(name: SeriesName, format: FrameworkFormat): string {
  return `${name === "loss" ? "the training loss" : `the ${name} series`} of this ${
    FORMAT_NAMES[format]
  }`;
}

/**
 * The median spacing of increasing steps (the logging interval), or undefined below 2 points.
 * O(n) for evenly spaced steps, O(n log n) otherwise.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { medianSpacing } from "./framework_log.ts";
 * assertEquals(medianSpacing([0, 50, 100, 150]), 50);
 * assertEquals(medianSpacing([0, 50, 100, 500]), 50);
 * assertEquals(medianSpacing([7]), undefined);
 * ```
 */
export function medianSpacing(steps: ArrayLike<number>): number | undefined {
  if (steps.length < 2) return undefined;
  const gaps = new Float64Array(steps.length - 1);
  let even = true;
  for (let i = 1; i < steps.length; i++) {
    gaps[i - 1] = steps[i] - steps[i - 1];
    even &&= gaps[i - 1] === gaps[0];
  }
  if (even) return gaps[0]; // the usual log: one interval, no sort of 10⁶ gaps
  gaps.sort();
  return gaps[(gaps.length - 1) >> 1];
}

/**
 * Human names of the formats, for messages.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FORMAT_NAMES } from "./framework_log.ts";
 * assertEquals(FORMAT_NAMES.lightning_csv, "Lightning metrics.csv");
 * ```
 */
export const FORMAT_NAMES: Record<FrameworkFormat, string> = {
  trainer_state: "Hugging Face trainer_state.json",
  trainer_log: "LLaMA-Factory trainer_log.jsonl",
  lightning_csv: "Lightning metrics.csv",
  keras: "Keras progress log",
  torchvision: "torchvision MetricLogger log",
  nanogpt: "nanoGPT / llm.c log",
};

/**
 * The number that starts at `at` in `line` (after spaces), up to a space, comma, bar, bracket,
 * tab or `end`, as a value: a trailing `%` is dropped, `nan` and `inf` words count, `0x10` is
 * not a number (`decimalNumber`); undefined when there is none. O(length of the token).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { numberAt } from "./framework_log.ts";
 * const line = "iter 10: loss 3.4788, time 1705.53ms, mfu 12.5%";
 * assertEquals(numberAt(line, line.indexOf("loss") + 4), 3.4788);
 * assertEquals(numberAt(line, line.indexOf("mfu") + 3), 12.5);
 * assertEquals(numberAt("loss nan", 4), NaN);
 * ```
 */
export function numberAt(line: string, at: number, end: number = line.length): number | undefined {
  while (at < end && line.charCodeAt(at) === SPACE) at++;
  let stop = at;
  while (stop < end && !isDelimiter(line.charCodeAt(stop))) stop++;
  if (stop === at) return undefined;
  const percent = line.charCodeAt(stop - 1) === PERCENT;
  const number = line.slice(at, percent ? stop - 1 : stop);
  const value = Number(number);
  if (!Number.isNaN(value)) return isDecimal(number) ? value : undefined;
  const lower = (percent ? line.slice(at, stop) : number).toLowerCase();
  return lower === "nan"
    ? NaN
    : lower === "inf"
    ? Infinity
    : lower === "-inf"
    ? -Infinity
    : undefined;
}

/**
 * Whether a token `Number` reads is written in decimal (what `decimalNumber` asks, without a
 * copy): not blank (`Number` reads it as 0), not `0x…`, `0b…` or `0o…`.
 */
function isDecimal(token: string): boolean {
  let i = 0;
  while (i < token.length && isWhite(token.charCodeAt(i))) i++;
  if (i === token.length) return false;
  if (token.charCodeAt(i) !== 48 || i + 1 >= token.length) return true;
  const radix = token.charCodeAt(i + 1) | 0x20; // lower case
  return radix !== 120 && radix !== 98 && radix !== 111;
}

const PERCENT = 37;
const SPACE = 32;

/** The characters that end a number in a log line: ` ,|()[]` and tab. */
function isDelimiter(c: number): boolean {
  return c === SPACE || c === 44 || c === 124 || c === 40 || c === 41 || c === 91 || c === 93 ||
    c === 9;
}

/**
 * The integer written at `at` and where it ends, or null.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { integerAt } from "./framework_log.ts";
 * assertEquals(integerAt("[ 40/391]", 2), { value: 40, end: 4 });
 * assertEquals(integerAt("[ 40/391]", 0), null);
 * ```
 */
export function integerAt(line: string, at: number): { value: number; end: number } | null {
  const end = digitsEnd(line, at);
  return end === at ? null : { value: integerValue(line, at, end), end };
}

/**
 * The integer the digits `line[at, end)` write (no object made: the readers' hot path).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { integerValue } from "./framework_log.ts";
 * assertEquals(integerValue("step 1234/5000", 5, 9), 1234);
 * ```
 */
export function integerValue(line: string, at: number, end: number): number {
  // Up to 15 digits the sum is exact; longer ones are rare enough to be read by Number.
  if (end - at > 15) return Number(line.slice(at, end));
  let value = 0;
  for (let i = at; i < end; i++) value = value * 10 + line.charCodeAt(i) - 48;
  return value;
}

/**
 * Where the run of digits starting at `at` ends (`at` when there is none).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { digitsEnd } from "./framework_log.ts";
 * assertEquals([digitsEnd("123/469", 0), digitsEnd("123/469", 3)], [3, 3]);
 * ```
 */
export function digitsEnd(line: string, at: number): number {
  while (at < line.length) {
    const c = line.charCodeAt(at);
    if (c < 48 || c > 57) break;
    at++;
  }
  return at;
}

/**
 * Whether `code` is white space as `String.prototype.trim` and `\s` know it (spaces, tabs,
 * line ends, no-break and typographic spaces, the byte-order mark).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isWhite } from "./framework_log.ts";
 * assertEquals([isWhite(0x20), isWhite(0xa0), isWhite(0xfeff), isWhite(0x41)], [
 *   true, true, true, false,
 * ]);
 * ```
 */
export function isWhite(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) ||
    (code >= 0xa0 &&
      (code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
        code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f ||
        code === 0x3000 || code === 0xfeff));
}

/**
 * The index of the first character of `text` at or after `from` and before `end` that is not
 * white, or -1.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { firstNonWhite } from "./framework_log.ts";
 * assertEquals([firstNonWhite("\uFEFF  {"), firstNonWhite(" \n\t")], [3, -1]);
 * ```
 */
export function firstNonWhite(text: string, from = 0, end: number = text.length): number {
  for (let i = from; i < end; i++) if (!isWhite(text.charCodeAt(i))) return i;
  return -1;
}

/**
 * Whether `text` at `at` spells `lower` (lower-case ASCII) in any case. O(length of `lower`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { spellsAt } from "./framework_log.ts";
 * assertEquals([spellsAt("Val Loss: 2.5", 4, "loss"), spellsAt("Val Loss", 0, "loss")], [
 *   true, false,
 * ]);
 * ```
 */
export function spellsAt(text: string, at: number, lower: string): boolean {
  if (at + lower.length > text.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(at + i), w = lower.charCodeAt(i);
    if (c !== w && !(w >= 97 && w <= 122 && c === w - 32)) return false;
  }
  return true;
}
