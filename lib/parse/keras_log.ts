import {
  collectPoints,
  digitsEnd,
  type FrameworkLog,
  integerAt,
  integerValue,
  isWhite,
  numberAt,
} from "./framework_log.ts";
import { LogLines } from "./line_cursor.ts";
import { SeriesTooLong } from "./series_values.ts";

/** One progress line (one object, refilled line after line). */
interface Progress {
  done: number;
  total: number;
  loss: number;
  val: number | undefined;
  lr: number | undefined;
}

/**
 * Whether a line is a Keras progress line: `<done>/<total> ` then a bar, and `- loss: `.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isKerasLine } from "./keras_log.ts";
 * assertEquals(isKerasLine("123/469 [===>....] - ETA: 12s - loss: 0.1234"), true);
 * assertEquals(isKerasLine("Epoch 3/10"), false);
 * ```
 */
export function isKerasLine(line: string): boolean {
  return progress(line, { done: 0, total: 0, loss: 0, val: undefined, lr: undefined });
}

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
 * One pass over the lines ({@linkcode LogLines}: `\r` and backspaces end lines too), no object
 * per line: the run being read is kept as rows of numbers in a typed array, and the reading stops
 * when it holds more than `maxValues` steps (`SeriesTooLong`).
 *
 * Cost: O(n) for n characters, no regular expression.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readKerasLog } from "./keras_log.ts";
 * const log = readKerasLog(
 *   "Epoch 1/2\n1/3 [=>..] - ETA: 1s - loss: 0.9\n" +
 *     "3/3 [====] - 1s 5ms/step - loss: 0.8 - val_loss: 0.85\nEpoch 2/2\n" +
 *     "1/3 [=>..] - ETA: 1s - loss: 0.7\n3/3 [====] - 1s 5ms/step - loss: 0.6 - val_loss: 0.8\n",
 * );
 * assertEquals([...log.steps], [0, 2, 3, 5]);
 * assertEquals([...log.loss], [0.9, 0.8, 0.7, 0.6]);
 * assertEquals(log.implied, { steps_per_epoch: 3, logged_as: "epoch-running-mean" });
 * assertEquals([...log.series.eval_loss!.values], [0.85, 0.8]);
 * ```
 */
export function readKerasLog(text: string, maxValues: number = Infinity): FrameworkLog {
  const run = new Run(maxValues);
  const p: Progress = { done: 0, total: 0, loss: 0, val: undefined, lr: undefined };
  let epoch = 1, samples = false, lastEpoch = 0, newRun = false;
  const lines = new LogLines(text);
  for (let line = lines.next(); line !== null; line = lines.next()) {
    let start = 0;
    while (start < line.length && isWhite(line.charCodeAt(start))) start++;
    if (line.startsWith("Train on ", start) && line.includes(" samples", start)) samples = true;
    if (line.startsWith("Epoch ", start)) {
      const header = integerAt(line, start + 6);
      if (header && line[header.end] === "/") {
        epoch = header.value;
        if (epoch <= lastEpoch) newRun = true;
        lastEpoch = epoch;
        continue;
      }
    }
    if (!progress(line, p)) continue;
    if (!samples && line.includes("/sample")) samples = true;
    if (newRun) run.clear();
    newRun = false;
    run.push(epoch, p);
  }
  return run.read(samples ? run.batchSize() : 1, maxValues);
}

/** The columns of a {@linkcode Run}'s rows. */
const [EPOCH, DONE, TOTAL, LOSS, VAL, LR, WIDTH] = [0, 1, 2, 3, 4, 5, 6];
/** Bits of a row's `has`: which of the optional values it holds. */
const [HAS_VAL, HAS_LR] = [1, 2];

/**
 * The progress lines of the run being read, as rows of numbers in one typed array (a paste of
 * several runs keeps the last; its steps need the whole run: the batch size and the longest
 * counter). A line with the same epoch and count as the one before replaces it (Keras redraws
 * the bar), so the run holds one row per step, and passing `maxValues` rows is passing
 * `maxValues` points.
 */
class Run {
  rows = new Float64Array(WIDTH * 64);
  has = new Uint8Array(64);
  length = 0;
  constructor(readonly maxValues: number) {}

  clear(): void {
    this.length = 0;
  }

  push(epoch: number, p: Progress): void {
    const last = this.length - 1;
    if (last >= 0 && this.at(last, EPOCH) === epoch && this.at(last, DONE) === p.done) {
      // The same step drawn again: its values replace the ones before, as points do.
      this.set(last, TOTAL, Math.max(this.at(last, TOTAL), p.total));
      this.fill(last, p);
      return;
    }
    if (this.length >= this.maxValues) {
      throw new SeriesTooLong(this.maxValues, undefined, "the training loss of this Keras log");
    }
    if (this.length === this.has.length) this.grow();
    const row = this.length++;
    this.has[row] = 0;
    this.set(row, EPOCH, epoch);
    this.set(row, DONE, p.done);
    this.set(row, TOTAL, p.total);
    this.fill(row, p);
  }

  /** The batch size of counts in samples: the gcd of the counts short of the epoch's total. */
  batchSize(): number {
    let g = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.at(i, DONE) < this.at(i, TOTAL)) g = gcd(g, this.at(i, DONE));
    }
    return g > 0 ? g : 1;
  }

  /** The run's points: steps from the epoch and the count, in batches of `batch`. */
  read(batch: number, maxValues: number): FrameworkLog {
    let total = 0;
    for (let i = 0; i < this.length; i++) total = Math.max(total, this.at(i, TOTAL));
    const perEpoch = Math.ceil(total / batch);
    const log = collectPoints("keras", maxValues);
    const first = this.length > 0 ? this.at(0, EPOCH) : 1;
    for (let i = 0; i < this.length; i++) {
      const step = (this.at(i, EPOCH) - first) * perEpoch + Math.ceil(this.at(i, DONE) / batch) -
        1;
      log.add("loss", step, this.at(i, LOSS));
      if (this.has[i] & HAS_VAL) log.add("eval_loss", step, this.at(i, VAL));
      if (this.has[i] & HAS_LR) log.add("learning_rate", step, this.at(i, LR));
    }
    return log.finish({
      ...(perEpoch > 1 ? { steps_per_epoch: perEpoch } : {}),
      logged_as: "epoch-running-mean",
    });
  }

  private at(row: number, column: number): number {
    return this.rows[row * WIDTH + column];
  }

  private set(row: number, column: number, value: number): void {
    this.rows[row * WIDTH + column] = value;
  }

  /** A line's loss, and its val_loss and lr when it has them (later values replace earlier). */
  private fill(row: number, p: Progress): void {
    this.set(row, LOSS, p.loss);
    if (p.val !== undefined) {
      this.set(row, VAL, p.val);
      this.has[row] |= HAS_VAL;
    }
    if (p.lr !== undefined) {
      this.set(row, LR, p.lr);
      this.has[row] |= HAS_LR;
    }
  }

  private grow(): void {
    const rows = new Float64Array(this.rows.length * 2), has = new Uint8Array(this.has.length * 2);
    rows.set(this.rows);
    has.set(this.has);
    this.rows = rows;
    this.has = has;
  }
}

/** Parses one progress line into `p`; false when it is not one. */
function progress(line: string, p: Progress): boolean {
  let at = 0;
  while (line.charCodeAt(at) === SPACE) at++;
  const doneEnd = digitsEnd(line, at);
  if (doneEnd === at || line.charCodeAt(doneEnd) !== SLASH) return false;
  const totalEnd = digitsEnd(line, doneEnd + 1);
  if (totalEnd === doneEnd + 1 || line.charCodeAt(totalEnd) !== SPACE) return false;
  const done = integerValue(line, at, doneEnd), total = integerValue(line, doneEnd + 1, totalEnd);
  if (done > total * 2) return false;
  const lossAt = line.indexOf("- loss: ", totalEnd);
  if (lossAt < 0) return false;
  const loss = numberAt(line, lossAt + 8);
  if (loss === undefined) return false;
  const valAt = line.indexOf("- val_loss: ", lossAt);
  const lrAt = line.indexOf("- lr: ", lossAt);
  p.done = done;
  p.total = total;
  p.loss = loss;
  p.val = valAt >= 0 ? numberAt(line, valAt + 12) : undefined;
  p.lr = lrAt >= 0 ? numberAt(line, lrAt + 6) : undefined;
  return true;
}

const SPACE = 32, SLASH = 47;

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}
