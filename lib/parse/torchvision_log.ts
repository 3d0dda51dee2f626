import {
  collectPoints,
  digitsEnd,
  type FrameworkLog,
  integerValue,
  isWhite,
  numberAt,
  spellsAt,
} from "./framework_log.ts";
import { LogLines } from "./line_cursor.ts";

/** One logged iteration (one object, refilled line after line). */
interface Iteration {
  epoch: number;
  index: number;
  total: number;
  loss: number | undefined;
  average: number | undefined;
  lr: number | undefined;
  gradNorm: number | undefined;
}

const blank = (): Iteration => ({
  epoch: 0,
  index: 0,
  total: 0,
  loss: undefined,
  average: undefined,
  lr: undefined,
  gradNorm: undefined,
});

/**
 * Whether a line is a MetricLogger training line (`…poch: [E]  [i/N] … loss: …`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isTorchvisionLine } from "./torchvision_log.ts";
 * assertEquals(isTorchvisionLine("Epoch: [2]  [ 40/391]  eta: 0:01:02  loss: 0.8312 (0.9107)"), true);
 * assertEquals(isTorchvisionLine("Test:  [ 0/79]  loss: 0.5"), false);
 * ```
 */
export function isTorchvisionLine(line: string): boolean {
  const it = blank();
  return iteration(line, it) && it.loss !== undefined;
}

/**
 * Reads the training log of torchvision's reference scripts (and the many repositories that copy
 * its `MetricLogger`): `Epoch: [2]  [ 40/391]  eta: 0:01:02  lr: 0.1  loss: 0.8312 (0.9107)  …`.
 *
 * Why: each meter prints two numbers, `value (global_avg)`: the first is the median of the last 20
 * iterations (`SmoothedValue(window_size=20)`), the second the mean of every iteration since the
 * logger was made — once per epoch, in `train_one_epoch`, so it is the running mean since the
 * epoch began. The median hides a spike among 20 iterations; the running mean keeps every
 * iteration, so it is the series read, with `logged_as: "epoch-running-mean"`. A log whose meters
 * print one number (`loss: 2.7757`) is read as values. The bracket `[i/N]` gives the iteration
 * and the steps per epoch (N); `lr` and `grad_norm` meters are read too. Fields are separated by
 * two spaces (the logger's delimiter); lines without an epoch (`Test:`) are skipped.
 *
 * One pass over the lines ({@linkcode LogLines}), no object per line: the run being read is
 * collected both ways (running means while every line has one, and values), and the reading stops
 * as soon as a series passes `maxValues` (`SeriesTooLong`).
 *
 * Cost: O(n) for n characters, no regular expression.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readTorchvisionLog } from "./torchvision_log.ts";
 * const log = readTorchvisionLog(
 *   "Epoch: [0]  [ 0/60]  eta: 0:05:40  lr: 0.000090  loss: 0.9656 (0.9656)  time: 5.6\n" +
 *     "Epoch: [0]  [10/60]  eta: 0:00:47  lr: 0.000936  loss: 0.7725 (0.6863)  time: 0.9\n",
 * );
 * assertEquals([...log.loss], [0.9656, 0.6863]); // the running means, in brackets
 * assertEquals(log.implied, { steps_per_epoch: 60, logged_as: "epoch-running-mean" });
 * ```
 */
export function readTorchvisionLog(text: string, maxValues: number = Infinity): FrameworkLog {
  // The run being read, both ways: the running means while every line has one, and the values.
  let averages: ReturnType<typeof collectPoints> | null = collectPoints("torchvision", maxValues);
  let values = collectPoints("torchvision", maxValues);
  let lastStep = -1, total = 0, points = 0;
  const it = blank();
  const lines = new LogLines(text);
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (!iteration(line, it) || it.loss === undefined) continue;
    const step = it.epoch * it.total + it.index;
    if (step <= lastStep) {
      // A new run: a paste holding several keeps the last.
      averages = collectPoints("torchvision", maxValues);
      values = collectPoints("torchvision", maxValues);
      total = points = 0;
    }
    lastStep = step;
    total = Math.max(total, it.total);
    points++;
    if (it.average === undefined) averages = null;
    add(values, step, it.loss, it);
    if (averages !== null) add(averages, step, it.average!, it);
  }
  const averaged = points > 0 && averages !== null;
  return (averaged ? averages! : values).finish({
    ...(total > 1 ? { steps_per_epoch: total } : {}),
    logged_as: averaged ? "epoch-running-mean" : "value",
  });
}

const SPACE = 32, SLASH = 47, CLOSE = 93;

/** Adds one iteration's loss (its value or its running mean), learning rate and gradient norm. */
function add(log: ReturnType<typeof collectPoints>, step: number, loss: number, it: Iteration) {
  log.add("loss", step, loss);
  if (it.lr !== undefined) log.add("learning_rate", step, it.lr);
  if (it.gradNorm !== undefined) log.add("grad_norm", step, it.gradNorm);
}

/**
 * Parses one line into `it`; false when it has no `poch: [E]` and `[i/N]`. The fields after the
 * bracket are separated by two spaces (the logger's delimiter); only `loss`, `lr` and `grad_norm`
 * are read. Each search stays within its field, so a line costs its length.
 */
function iteration(line: string, it: Iteration): boolean {
  const epochAt = line.indexOf("poch: [") + 7;
  if (epochAt < 7) return false;
  const epochEnd = digitsEnd(line, epochAt);
  if (epochEnd === epochAt || line.charCodeAt(epochEnd) !== CLOSE) return false;
  let at = line.indexOf("[", epochEnd);
  if (at < 0) return false;
  at++;
  while (line.charCodeAt(at) === SPACE) at++;
  const indexEnd = digitsEnd(line, at);
  if (indexEnd === at || line.charCodeAt(indexEnd) !== SLASH) return false;
  const totalEnd = digitsEnd(line, indexEnd + 1);
  if (totalEnd === indexEnd + 1 || line.charCodeAt(totalEnd) !== CLOSE) return false;
  it.epoch = integerValue(line, epochAt, epochEnd);
  it.index = integerValue(line, at, indexEnd);
  it.total = integerValue(line, indexEnd + 1, totalEnd);
  it.loss = undefined;
  it.average = undefined;
  it.lr = undefined;
  it.gradNorm = undefined;
  for (let start = totalEnd + 1; start <= line.length;) {
    let end = line.indexOf("  ", start);
    if (end < 0) end = line.length;
    meter(line, start, end, it);
    start = end + 2;
  }
  return true;
}

/** Reads the field `line[start, end)` into `it` when it is `loss: v (avg)`, `lr: v` or `grad_norm: v`. */
function meter(line: string, start: number, end: number, it: Iteration): void {
  let colon = start;
  while (colon + 1 < end && !(line.charCodeAt(colon) === 58 && line.charCodeAt(colon + 1) === 32)) {
    colon++;
  }
  if (colon + 1 >= end) return;
  let from = start, to = colon;
  while (from < to && isWhite(line.charCodeAt(from))) from++;
  while (to > from && isWhite(line.charCodeAt(to - 1))) to--;
  const name = to - from === 4 && spellsAt(line, from, "loss")
    ? "loss"
    : to - from === 2 && spellsAt(line, from, "lr")
    ? "lr"
    : to - from === 9 && spellsAt(line, from, "grad_norm")
    ? "grad_norm"
    : null;
  if (name === null) return;
  const value = numberAt(line, colon + 2, end);
  if (value === undefined) return;
  if (name === "lr") it.lr = value;
  else if (name === "grad_norm") it.gradNorm = value;
  else {
    let open = colon;
    while (open < end && line.charCodeAt(open) !== 40) open++;
    it.loss = value;
    it.average = open < end ? numberAt(line, open + 1, end) : undefined;
  }
}
