/**
 * Reads a loss series from a CSV export with a header row.
 *
 * Why: people already have the curve as a file — TensorBoard's "Download CSV"
 * (`Wall time,Step,Value`), Weights & Biases' export (`Step,<run> - loss,<run> - loss__MIN,…`,
 * one column group per run, empty cells where a run did not log), or their own `step,loss`.
 * The step column is the first named step, global_step, iteration, iter or _step; the loss
 * column is `column` when given, else value, loss, train_loss or train/loss, else a W&B
 * `… - loss` column (not its __MIN/__MAX), else the first other numeric column. Rows whose loss
 * cell is empty are skipped (that run did not log there); `nan`, `inf` and `-inf` are values.
 * Quoted fields (RFC 4180), CRLF line ends and a byte-order mark are accepted; rows out of step
 * order (TensorBoard can export them so) are sorted.
 *
 * Errors are TypeErrors naming the line and the column.
 *
 * Cost: O(n) for n characters, plus O(r log r) to sort r rows that are out of order.
 *
 * @example
 * ```ts
 * parseCsvSeries("Wall time,Step,Value\n1.7e9,0,2.5\n1.7e9,1,2.4\n").loss; // [2.5, 2.4]
 * ```
 */
import { describe, nonFiniteWord } from "./series_values.ts";

/** A series read from CSV. */
export interface CsvSeries {
  steps: Float64Array | null;
  loss: Float64Array;
  /** The header of the loss column used. */
  column: string;
  /** Every header. */
  columns: string[];
}

const STEP_NAMES = ["step", "global_step", "iteration", "iter", "_step", "steps"];
const LOSS_NAMES = ["value", "loss", "train_loss", "train/loss", "training_loss"];

export function parseCsvSeries(text: string, column?: string): CsvSeries {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let at = 0;
  while (at < lines.length && lines[at].trim() === "") at++;
  if (at === lines.length) throw new TypeError("expected a CSV header and rows, found no text");
  const columns = splitRow(lines[at]).map((c) => c.trim());
  const lower = columns.map((c) => c.toLowerCase());
  const stepAt = lower.findIndex((c) => STEP_NAMES.includes(c));
  const lossAt = pickLoss(columns, lower, stepAt, column, lines[at + 1]);
  const steps: number[] = [], loss: number[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const cells = line.includes('"') ? splitRow(line) : line.split(",");
    const cell = cells[lossAt]?.trim() ?? "";
    if (cell === "") continue;
    loss.push(number(cell, i + 1, columns[lossAt]));
    if (stepAt >= 0) steps.push(number(cells[stepAt]?.trim() ?? "", i + 1, columns[stepAt]));
  }
  if (loss.length === 0) {
    throw new TypeError(`expected rows with a value in column "${columns[lossAt]}", found none`);
  }
  if (stepAt < 0) {
    return { steps: null, loss: Float64Array.from(loss), column: columns[lossAt], columns };
  }
  let sorted = true;
  for (let i = 1; i < steps.length && sorted; i++) sorted = steps[i] > steps[i - 1];
  if (!sorted) {
    const order = steps.map((_, i) => i).sort((a, b) => steps[a] - steps[b]);
    const s = order.map((i) => steps[i]), l = order.map((i) => loss[i]);
    return {
      steps: Float64Array.from(s),
      loss: Float64Array.from(l),
      column: columns[lossAt],
      columns,
    };
  }
  return {
    steps: Float64Array.from(steps),
    loss: Float64Array.from(loss),
    column: columns[lossAt],
    columns,
  };
}

function pickLoss(
  columns: string[],
  lower: string[],
  stepAt: number,
  column: string | undefined,
  firstRow: string | undefined,
): number {
  if (column !== undefined) {
    const exact = columns.indexOf(column);
    const loose = lower.indexOf(column.toLowerCase());
    if (exact >= 0 || loose >= 0) return exact >= 0 ? exact : loose;
    throw new TypeError(
      `expected a CSV column named "${column}", found ${columns.map((c) => `"${c}"`).join(", ")}`,
    );
  }
  const named = lower.findIndex((c) => LOSS_NAMES.includes(c));
  if (named >= 0) return named;
  const wandb = lower.findIndex((c) => / - .*loss$/.test(c));
  if (wandb >= 0) return wandb;
  const cells = firstRow ? splitRow(firstRow) : [];
  const numeric = lower.findIndex((c, i) =>
    i !== stepAt && !/wall|time|epoch/.test(c) && cells[i] !== undefined &&
    Number.isFinite(Number(cells[i]))
  );
  if (numeric >= 0) return numeric;
  throw new TypeError(
    `expected a loss column (value, loss, train_loss, "<run> - loss", or ?column=), found ${
      columns.map((c) => `"${c}"`).join(", ")
    }`,
  );
}

function number(cell: string, line: number, column: string): number {
  const value = Number(cell);
  if (cell !== "" && !Number.isNaN(value)) return value;
  const word = nonFiniteWord(cell);
  if (word !== undefined) return word;
  throw new TypeError(
    `expected a number at line ${line}, column "${column}", found ${describe(cell)}`,
  );
}

/** Splits one CSV row, honouring double-quoted fields with "" escapes (RFC 4180). */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
