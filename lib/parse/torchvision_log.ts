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
 * Cost: O(n) for n characters, no regular expression on a line.
 *
 * @example
 * ```ts
 * const log = readTorchvisionLog(
 *   "Epoch: [0]  [ 0/60]  eta: 0:05:40  lr: 0.000090  loss: 0.9656 (0.9656)  time: 5.6\n" +
 *   "Epoch: [0]  [10/60]  eta: 0:00:47  lr: 0.000936  loss: 0.7725 (0.6863)  time: 0.9\n");
 * log.loss; // Float64Array [0.9656, 0.6863]
 * log.implied; // { steps_per_epoch: 60, logged_as: "epoch-running-mean" }
 * ```
 */
import {
  collectPoints,
  type FrameworkLog,
  integerAt,
  logLines,
  numberAt,
} from "./framework_log.ts";

/** One logged iteration. */
interface Iteration {
  epoch: number;
  index: number;
  total: number;
  loss?: { value: number; average?: number };
  lr?: number;
  gradNorm?: number;
}

/** Whether a line is a MetricLogger training line (`…poch: [E]  [i/N] … loss: …`). */
export function isTorchvisionLine(line: string): boolean {
  const it = iteration(line);
  return it !== null && it.loss !== undefined;
}

export function readTorchvisionLog(text: string): FrameworkLog {
  const runs: Iteration[][] = [[]];
  let lastStep = -1, total = 0;
  for (const line of logLines(text)) {
    const it = iteration(line);
    if (!it || it.loss === undefined) continue;
    const step = it.epoch * it.total + it.index;
    if (step <= lastStep) runs.push([]);
    lastStep = step;
    runs[runs.length - 1].push(it);
  }
  const run = runs.filter((r) => r.length > 0).pop() ?? [];
  const averaged = run.length > 0 && run.every((it) => it.loss!.average !== undefined);
  const log = collectPoints("torchvision");
  for (const it of run) {
    const step = it.epoch * it.total + it.index;
    total = Math.max(total, it.total);
    log.add("loss", step, averaged ? it.loss!.average! : it.loss!.value);
    if (it.lr !== undefined) log.add("learning_rate", step, it.lr);
    if (it.gradNorm !== undefined) log.add("grad_norm", step, it.gradNorm);
  }
  return log.finish({
    ...(total > 1 ? { steps_per_epoch: total } : {}),
    logged_as: averaged ? "epoch-running-mean" : "value",
  });
}

/** Parses one line, or null when it has no `poch: [E]` and `[i/N]`. */
function iteration(line: string): Iteration | null {
  let at = line.indexOf("poch: [");
  if (at < 0) return null;
  const epoch = integerAt(line, at + 7);
  if (!epoch || line[epoch.end] !== "]") return null;
  at = line.indexOf("[", epoch.end);
  if (at < 0) return null;
  at++;
  while (line[at] === " ") at++;
  const index = integerAt(line, at);
  if (!index || line[index.end] !== "/") return null;
  const total = integerAt(line, index.end + 1);
  if (!total || line[total.end] !== "]") return null;
  const it: Iteration = { epoch: epoch.value, index: index.value, total: total.value };
  for (const field of line.slice(total.end + 1).split("  ")) {
    const colon = field.indexOf(": ");
    if (colon < 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (name !== "loss" && name !== "lr" && name !== "grad_norm") continue;
    const value = numberAt(field, colon + 2);
    if (value === undefined) continue;
    if (name === "lr") it.lr = value;
    else if (name === "grad_norm") it.gradNorm = value;
    else {
      const open = field.indexOf("(", colon);
      it.loss = { value, average: open >= 0 ? numberAt(field, open + 1) : undefined };
    }
  }
  return it;
}
