/**
 * Reads the progress output of Keras' `model.fit` as people paste it: `Epoch 3/10` headers and
 * progress lines `123/469 [===>....] - ETA: 12s - loss: 0.1234 - accuracy: 0.96`, each epoch
 * closed by a line with the epoch's time and `val_loss` (Keras 3 draws the bar with `━`).
 *
 * Why: the number after `loss:` is the **running mean since the epoch began** (Keras' progress
 * bar averages the batch losses it has seen this epoch), so the logged curve restarts at every
 * epoch; the answer passes that on (`logged_as: "epoch-running-mean"`) with the steps per epoch
 * the counter gives. The counter counts batches (`steps_per_epoch`) — or samples, in Keras before
 * TF 2.2 on arrays (`Train on 18000 samples`, `…/sample`): then the batch size is the greatest
 * common divisor of the counts within the epoch, and steps are batches. The closing line's
 * `val_loss` and `lr` are the eval loss and learning rate at the epoch's last step. Progress lines
 * before the first `Epoch` header count as epoch 1; a paste holding several runs keeps the last.
 *
 * Cost: O(n) for n characters, no regular expression on a line.
 *
 * @example
 * ```ts
 * const log = readKerasLog("Epoch 1/2\n1/3 [=>..] - ETA: 1s - loss: 0.9\n" +
 *   "3/3 [====] - 1s 5ms/step - loss: 0.8 - val_loss: 0.85\nEpoch 2/2\n" +
 *   "1/3 [=>..] - ETA: 1s - loss: 0.7\n3/3 [====] - 1s 5ms/step - loss: 0.6 - val_loss: 0.8\n");
 * log.steps; // Float64Array [0, 2, 3, 5]
 * log.implied; // { steps_per_epoch: 3, logged_as: "epoch-running-mean" }
 * ```
 */
import {
  collectPoints,
  type FrameworkLog,
  integerAt,
  logLines,
  numberAt,
} from "./framework_log.ts";

/** One progress line. */
interface Progress {
  epoch: number;
  done: number;
  total: number;
  loss: number;
  val?: number;
  lr?: number;
}

/** Whether a line is a Keras progress line: `<done>/<total> ` then a bar, and `- loss: `. */
export function isKerasLine(line: string): boolean {
  return progress(line, 1) !== null;
}

export function readKerasLog(text: string): FrameworkLog {
  let runs: Progress[][] = [[]];
  let epoch = 1, samples = false, lastEpoch = 0;
  for (const line of logLines(text)) {
    const trimmed = line.trimStart();
    if (trimmed.startsWith("Train on ") && trimmed.includes(" samples")) samples = true;
    if (trimmed.startsWith("Epoch ")) {
      const header = integerAt(trimmed, 6);
      if (header && trimmed[header.end] === "/") {
        epoch = header.value;
        if (epoch <= lastEpoch) runs.push([]);
        lastEpoch = epoch;
        continue;
      }
    }
    const p = progress(line, epoch);
    if (!p) continue;
    if (line.includes("/sample")) samples = true;
    runs[runs.length - 1].push(p);
  }
  runs = runs.filter((run) => run.length > 0);
  const run = runs[runs.length - 1] ?? [];
  const batch = samples ? batchSize(run) : 1;
  const total = run.reduce((m, p) => Math.max(m, p.total), 0);
  const perEpoch = Math.ceil(total / batch);
  const log = collectPoints("keras");
  const first = run[0]?.epoch ?? 1;
  for (const p of run) {
    const step = (p.epoch - first) * perEpoch + Math.ceil(p.done / batch) - 1;
    log.add("loss", step, p.loss);
    if (p.val !== undefined) log.add("eval_loss", step, p.val);
    if (p.lr !== undefined) log.add("learning_rate", step, p.lr);
  }
  return log.finish({
    ...(perEpoch > 1 ? { steps_per_epoch: perEpoch } : {}),
    logged_as: "epoch-running-mean",
  });
}

/** Parses one progress line, or null. */
function progress(line: string, epoch: number): Progress | null {
  let at = 0;
  while (at < line.length && line[at] === " ") at++;
  const done = integerAt(line, at);
  if (!done || line[done.end] !== "/") return null;
  const total = integerAt(line, done.end + 1);
  if (!total || line[total.end] !== " " || done.value > total.value * 2) return null;
  const lossAt = line.indexOf("- loss: ", total.end);
  if (lossAt < 0) return null;
  const loss = numberAt(line, lossAt + 8);
  if (loss === undefined) return null;
  const valAt = line.indexOf("- val_loss: ", lossAt);
  const lrAt = line.indexOf("- lr: ", lossAt);
  return {
    epoch,
    done: done.value,
    total: total.value,
    loss,
    val: valAt >= 0 ? numberAt(line, valAt + 12) : undefined,
    lr: lrAt >= 0 ? numberAt(line, lrAt + 6) : undefined,
  };
}

/** The batch size of counts in samples: the gcd of the counts short of the epoch's total. */
function batchSize(run: Progress[]): number {
  let g = 0;
  for (const p of run) if (p.done < p.total) g = gcd(g, p.done);
  return g > 0 ? g : 1;
}

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}
