import { readCells, splitRow } from "./csv_series.ts";
import { collectPoints, type FrameworkLog } from "./framework_log.ts";
import { TextLines } from "./line_cursor.ts";
import { decimalNumber, describe, nonFiniteWord } from "./series_values.ts";
import { EpochIndices } from "./steps_per_epoch.ts";

const LOSS = [
  "train_loss_step",
  "train_loss",
  "loss",
  "train/loss",
  "loss/train",
  "train_loss_epoch",
];
const EVAL = [
  "val_loss",
  "val_loss_epoch",
  "valid_loss",
  "validation_loss",
  "val/loss",
  "loss/val",
];
const NORM = ["grad_norm", "grad_norm_total", "grad_2.0_norm_total"];

/**
 * Whether a CSV header is Lightning's: it has both an `epoch` and a `step` column.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isLightningHeader } from "./lightning_csv.ts";
 * assertEquals(isLightningHeader("epoch,step,train_loss_step"), true);
 * assertEquals(isLightningHeader("Wall time,Step,Value"), false);
 * ```
 */
export function isLightningHeader(header: string): boolean {
  const names = splitRow(header).map((c) => c.trim().toLowerCase());
  return names.includes("epoch") && names.includes("step");
}

/**
 * Reads a Lightning `metrics.csv` (what `CSVLogger` writes): columns `epoch`, `step` and one per
 * logged metric; rows with blanks, step-level and epoch-level rows mixed.
 *
 * Why: `self.log("train_loss", loss, on_step=True, on_epoch=True)` writes `train_loss_step` on
 * the step rows and `train_loss_epoch` on one row at each epoch's end; validation writes
 * `val_loss` on rows of its own. A generic CSV reader takes the first loss column and stumbles on
 * the blanks. Here the training loss is the per-step column (`train_loss_step`, else
 * `train_loss`, `loss`, `train/loss`, `loss/train`, else `train_loss_epoch`), the eval loss the
 * validation one, the learning rate the `lr-<Optimizer>` column of `LearningRateMonitor`, and
 * steps per epoch comes from the epoch column ({@linkcode stepsFromEpochIndices}), pinned by the
 * epoch-level rows. `column` picks the loss column by name.
 *
 * One pass, a row at a time ({@linkcode TextLines}), only the cells of the columns read
 * (`readCells`): no array of the lines or of a row's cells, and steps per epoch
 * from a few running numbers ({@linkcode EpochIndices}); the reading stops as soon as a series
 * passes `maxValues` (`SeriesTooLong`).
 *
 * Cost: O(n) for n characters. Errors name the line and the column.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readLightningCsv } from "./lightning_csv.ts";
 * const log = readLightningCsv(
 *   "epoch,step,train_loss_step,train_loss_epoch,val_loss\n" +
 *     "0,49,0.9,,\n0,99,0.7,,\n0,99,,0.8,\n0,99,,,0.85\n" +
 *     "1,149,0.6,,\n1,199,0.5,,\n1,199,,0.55,\n1,199,,,0.7\n",
 * );
 * assertEquals([...log.loss], [0.9, 0.7, 0.6, 0.5]); // train_loss_step
 * assertEquals([...log.series.eval_loss!.values], [0.85, 0.7]);
 * // pinned by the train_loss_epoch rows at steps 99 and 199
 * assertEquals(log.implied.steps_per_epoch, 100);
 * ```
 */
export function readLightningCsv(
  text: string,
  column?: string,
  maxValues: number = Infinity,
): FrameworkLog {
  const lines = new TextLines(text);
  let header = lines.next();
  while (header !== null && header.trim() === "") header = lines.next();
  const names = splitRow(header ?? "").map((c) => c.trim());
  const lower = names.map((c) => c.toLowerCase());
  const stepAt = lower.indexOf("step"), epochAt = lower.indexOf("epoch");
  const lossAt = column !== undefined ? names.indexOf(column) : firstOf(lower, LOSS);
  if (lossAt < 0) {
    throw new TypeError(
      column !== undefined
        ? `expected a CSV column named ${describe(column)}, found ${names.length} others`
        : "expected a training-loss column (train_loss_step, train_loss, loss, ?column=) in the metrics.csv",
    );
  }
  const evalAt = firstOf(lower, EVAL), normAt = firstOf(lower, NORM);
  const lrAt = lower.findIndex((c) => c === "lr" || c.startsWith("lr-") || c === "learning_rate");
  const epochLevel = lower.flatMap((c, j) => c.endsWith("_epoch") ? [j] : []);
  // The cells of a row that are read: the others of a row of 10⁵ cells are stepped over.
  const columns = [...new Set([stepAt, epochAt, lossAt, evalAt, lrAt, normAt, ...epochLevel])]
    .filter((j) => j >= 0).sort((a, b) => a - b);
  const cells: string[] = [];
  const log = collectPoints("lightning_csv", maxValues);
  const epochs = new EpochIndices();
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (line.trim() === "") continue;
    readCells(line, columns, cells);
    const at = lines.number;
    const step = cell(cells, stepAt, at, names);
    if (step === undefined) continue;
    const epoch = cell(cells, epochAt, at, names);
    if (epoch !== undefined) epochs.add(step, epoch, endsEpoch(cells, epochLevel));
    const loss = cell(cells, lossAt, at, names);
    if (loss !== undefined) log.add("loss", step, loss);
    const evalLoss = cell(cells, evalAt, at, names);
    if (evalLoss !== undefined) log.add("eval_loss", step, evalLoss);
    const lr = cell(cells, lrAt, at, names);
    if (lr !== undefined) log.add("learning_rate", step, lr);
    const norm = cell(cells, normAt, at, names);
    if (norm !== undefined) log.add("grad_norm", step, norm);
  }
  const stepsPerEpoch = epochs.stepsPerEpoch();
  return log.finish(stepsPerEpoch !== null ? { steps_per_epoch: stepsPerEpoch } : {});
}

/** Whether a row is epoch-level: a cell of an `*_epoch` column (at `columns`) holds a value. */
function endsEpoch(cells: string[], columns: number[]): boolean {
  for (const j of columns) if (cells[j].trim() !== "") return true;
  return false;
}

function firstOf(lower: string[], wanted: readonly string[]): number {
  for (const name of wanted) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/** The number in column `j` of a row, undefined when blank (or the column is absent). */
function cell(cells: string[], j: number, line: number, names: string[]): number | undefined {
  if (j < 0) return undefined;
  const text = (cells[j] ?? "").trim();
  if (text === "") return undefined;
  const value = decimalNumber(text); // `0x10` is a mistake to report, not 16
  if (!Number.isNaN(value)) return value;
  const word = nonFiniteWord(text);
  if (word !== undefined) return word;
  throw new TypeError(
    `expected a number at line ${line}, column "${names[j]}", found ${describe(text)}`,
  );
}
