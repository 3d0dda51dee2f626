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
 * Cost: O(n) for n characters. Errors name the line and the column.
 *
 * @example
 * ```ts
 * const log = readLightningCsv("epoch,step,train_loss_step,val_loss\n0,49,0.9,\n0,99,0.7,\n" +
 *   "0,99,,0.8\n1,149,0.6,\n1,199,0.5,\n1,199,,0.7\n");
 * log.series.eval_loss?.values; // Float64Array [0.8, 0.7]
 * log.implied.steps_per_epoch; // 100
 * ```
 */
import { splitRow } from "./csv_series.ts";
import { collectPoints, type FrameworkLog } from "./framework_log.ts";
import { describe, nonFiniteWord } from "./series_values.ts";
import { stepsFromEpochIndices } from "./steps_per_epoch.ts";

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

/** Whether a CSV header is Lightning's: it has both an `epoch` and a `step` column. */
export function isLightningHeader(header: string): boolean {
  const names = splitRow(header).map((c) => c.trim().toLowerCase());
  return names.includes("epoch") && names.includes("step");
}

export function readLightningCsv(text: string, column?: string): FrameworkLog {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let at = 0;
  while (at < lines.length && lines[at].trim() === "") at++;
  const names = splitRow(lines[at] ?? "").map((c) => c.trim());
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
  const epochLevel = lower.map((c) => c.endsWith("_epoch"));
  const log = collectPoints("lightning_csv");
  const rowSteps: number[] = [], rowEpochs: number[] = [], epochEnds: number[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = lines[i].includes('"') ? splitRow(lines[i]) : lines[i].split(",");
    const step = cell(cells, stepAt, i, names);
    if (step === undefined) continue;
    const epoch = cell(cells, epochAt, i, names);
    if (epoch !== undefined) {
      rowSteps.push(step);
      rowEpochs.push(epoch);
      if (cells.some((c, j) => epochLevel[j] && c.trim() !== "")) epochEnds.push(step);
    }
    const loss = cell(cells, lossAt, i, names);
    if (loss !== undefined) log.add("loss", step, loss);
    for (
      const [name, j] of [["eval_loss", evalAt], ["learning_rate", lrAt], [
        "grad_norm",
        normAt,
      ]] as const
    ) {
      const value = cell(cells, j, i, names);
      if (value !== undefined) log.add(name, step, value);
    }
  }
  const stepsPerEpoch = stepsFromEpochIndices(rowSteps, rowEpochs, epochEnds);
  return log.finish(stepsPerEpoch !== null ? { steps_per_epoch: stepsPerEpoch } : {});
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
  const value = Number(text);
  if (!Number.isNaN(value)) return value;
  const word = nonFiniteWord(text);
  if (word !== undefined) return word;
  throw new TypeError(
    `expected a number at line ${line + 1}, column "${names[j]}", found ${describe(text)}`,
  );
}
