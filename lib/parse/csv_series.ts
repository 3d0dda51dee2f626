import { TextLines } from "./line_cursor.ts";
import { decimalNumber, describe, nonFiniteWord, SeriesTooLong } from "./series_values.ts";

/** A series read from CSV. */
export interface CsvSeries {
  /** The step column's values, or null when the CSV has none. */
  steps: Float64Array | null;
  /** The loss column's values, rows without one skipped. */
  loss: Float64Array;
  /** The header of the loss column used. */
  column: string;
  /** Every header. */
  columns: string[];
}

const STEP_NAMES = ["step", "global_step", "iteration", "iter", "_step", "steps"];
const LOSS_NAMES = ["value", "loss", "train_loss", "train/loss", "training_loss"];
/** Columns named in an error message: a header of 10⁶ columns must not become a 13 MB answer. */
const LISTED_COLUMNS = 10;

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
 * No guesses: a first row of numbers is not a header. A CSV of one column without a header is
 * read as one number per line; with several columns it is a TypeError asking for the header
 * (which column is the loss cannot be known), where taking the first row as the header would
 * lose it. Cells are decimal numbers: `0x10` is an error, not 16.
 *
 * Linear on hostile text: lines are taken one at a time (no array of every line), no regular
 * expression runs on a header (`/ - .*loss$/` backtracked for 11.8 s on a 128 KB header of
 * ` -`), and reading stops once `maxRows` rows hold a value ({@linkcode SeriesTooLong}).
 *
 * Errors are TypeErrors naming the line and the column; a message lists at most
 * `LISTED_COLUMNS` of the header's columns.
 *
 * Cost: O(n) for n characters, plus O(r log r) to sort r rows that are out of order.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseCsvSeries } from "./csv_series.ts";
 * const tensorboard = parseCsvSeries("Wall time,Step,Value\n1.7e9,0,2.5\n1.7e9,1,2.4\n");
 * assertEquals([[...tensorboard.loss], [...tensorboard.steps!], tensorboard.column], [
 *   [2.5, 2.4], [0, 1], "Value",
 * ]);
 * const wandb = parseCsvSeries(
 *   "Step,run-1 - loss,run-1 - loss__MIN\n0,2.5,2.4\n10,,\n20,2.3,2.2\n",
 * );
 * assertEquals([[...wandb.loss], wandb.column], [[2.5, 2.3], "run-1 - loss"]); // empty row skipped
 * assertThrows(() => parseCsvSeries("0,2.5\n1,2.4\n"), TypeError, "header");
 * ```
 */
export function parseCsvSeries(
  text: string,
  column?: string,
  maxRows: number = Infinity,
): CsvSeries {
  const lines = new TextLines(text);
  let header = lines.next();
  while (header !== null && header.trim() === "") header = lines.next();
  if (header === null) throw new TypeError("expected a CSV header and rows, found no text");
  const columns = splitRow(header).map((c) => c.trim());
  if (columns.every((c) => isValue(c))) return headerless(columns, header, lines, maxRows);
  const lower = columns.map((c) => c.toLowerCase());
  const stepAt = lower.findIndex((c) => STEP_NAMES.includes(c));
  const lossAt = pickLoss(columns, lower, stepAt, column, lines.peek());
  const width = Math.max(stepAt, lossAt) + 1; // the cells of a row that are read
  const steps: number[] = [], loss: number[] = [];
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (line.trim() === "") continue;
    const cells = splitRow(line, width);
    const cell = cells[lossAt]?.trim() ?? "";
    if (cell === "") continue;
    if (loss.length >= maxRows) throw new SeriesTooLong(maxRows);
    loss.push(number(cell, lines.number, columns[lossAt]));
    if (stepAt >= 0) {
      steps.push(number(cells[stepAt]?.trim() ?? "", lines.number, columns[stepAt]));
    }
  }
  if (loss.length === 0) {
    throw new TypeError(`expected rows with a value in column "${columns[lossAt]}", found none`);
  }
  const series = stepAt < 0 ? { steps: null, loss } : inStepOrder(steps, loss);
  return {
    steps: series.steps ? Float64Array.from(series.steps) : null,
    loss: Float64Array.from(series.loss),
    column: columns[lossAt],
    columns,
  };
}

/** A first row of numbers: one column is one number per line; several are an error. */
function headerless(
  cells: string[],
  first: string,
  lines: TextLines,
  maxRows: number,
): CsvSeries {
  if (cells.length > 1) {
    throw new TypeError(
      `expected a CSV header, found a first row of numbers (${describe(first)}): add a header ` +
        'naming the columns (e.g. "step,loss"), so that the loss column is known and the ' +
        "first row is not lost",
    );
  }
  const loss = [number(cells[0], lines.number, "1")];
  for (let line = lines.next(); line !== null; line = lines.next()) {
    const cell = line.trim();
    if (cell === "") continue;
    if (loss.length >= maxRows) throw new SeriesTooLong(maxRows);
    loss.push(number(cell, lines.number, "1"));
  }
  return { steps: null, loss: Float64Array.from(loss), column: "", columns: [""] };
}

function isValue(cell: string): boolean {
  return cell !== "" && (!Number.isNaN(decimalNumber(cell)) || nonFiniteWord(cell) !== undefined);
}

function inStepOrder(steps: number[], loss: number[]): { steps: number[]; loss: number[] } {
  let sorted = true;
  for (let i = 1; i < steps.length && sorted; i++) sorted = steps[i] > steps[i - 1];
  if (sorted) return { steps, loss };
  const order = steps.map((_, i) => i).sort((a, b) => steps[a] - steps[b]);
  return { steps: order.map((i) => steps[i]), loss: order.map((i) => loss[i]) };
}

function pickLoss(
  columns: string[],
  lower: string[],
  stepAt: number,
  column: string | undefined,
  firstRow: string | null,
): number {
  if (column !== undefined) {
    const exact = columns.indexOf(column);
    const loose = lower.indexOf(column.toLowerCase());
    if (exact >= 0 || loose >= 0) return exact >= 0 ? exact : loose;
    throw new TypeError(
      `expected a CSV column named ${describe(column)}, found ${listed(columns)}`,
    );
  }
  const named = lower.findIndex((c) => LOSS_NAMES.includes(c));
  if (named >= 0) return named;
  const wandb = lower.findIndex(isWandbLoss);
  if (wandb >= 0) return wandb;
  const cells = firstRow ? splitRow(firstRow) : [];
  const numeric = lower.findIndex((c, i) =>
    i !== stepAt && !["wall", "time", "epoch"].some((word) => c.includes(word)) &&
    cells[i] !== undefined && Number.isFinite(decimalNumber(cells[i]))
  );
  if (numeric >= 0) return numeric;
  throw new TypeError(
    `expected a loss column (value, loss, train_loss, "<run> - loss", or ?column=), found ${
      listed(columns)
    }`,
  );
}

/** A W&B run's loss column, `<run> - <…>loss` (what `/ - .*loss$/` matched, in linear time). */
function isWandbLoss(lower: string): boolean {
  const dash = lower.indexOf(" - ");
  return dash >= 0 && lower.endsWith("loss") && dash + 3 <= lower.length - 4;
}

/** The first columns of a header, quoted, and how many there are. */
function listed(columns: string[]): string {
  const shown = columns.slice(0, LISTED_COLUMNS).map((c) => describe(c)).join(", ");
  return columns.length > LISTED_COLUMNS ? `${shown}, … (${columns.length} columns)` : shown;
}

function number(cell: string, line: number, column: string): number {
  const value = decimalNumber(cell);
  if (!Number.isNaN(value)) return value;
  const word = nonFiniteWord(cell);
  if (word !== undefined) return word;
  throw new TypeError(
    `expected a number at line ${line}, column ${describe(column)}, found ${describe(cell)}`,
  );
}

/**
 * Splits one CSV row, honouring double-quoted fields with "" escapes (RFC 4180). A quote
 * anywhere opens a quoted stretch (a comma in it is text) and the next lone quote closes it.
 * Only the first `limit` cells are read (a reader that wants 3 columns of a row of 10⁵ cells
 * stops after the third). One pass over the characters, and a cell's text is taken as slices
 * between its quotes, so a row costs its length whatever its cells (appending a cell a character
 * at a time took 0.47 s for one quoted cell of 1 MiB).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { splitRow } from "./csv_series.ts";
 * assertEquals(splitRow('0,"2,5","say ""hi"""'), ["0", "2,5", 'say "hi"']);
 * assertEquals(splitRow("a,b,c,d", 2), ["a", "b"]);
 * ```
 */
export function splitRow(line: string, limit: number = Infinity): string[] {
  const cells: string[] = [];
  if (line.indexOf('"') < 0) {
    let start = 0;
    for (let comma = line.indexOf(","); comma >= 0; comma = line.indexOf(",", start)) {
      if (cells.length >= limit) return cells;
      cells.push(line.slice(start, comma));
      start = comma + 1;
    }
    if (cells.length < limit) cells.push(line.slice(start));
    return cells;
  }
  let cell = "", start = 0, quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      if (start < i) cell += line.slice(start, i);
      if (quoted && line.charCodeAt(i + 1) === QUOTE) {
        cell += '"'; // a doubled quote inside quotes is one quote of the text
        i++;
      } else quoted = !quoted;
      start = i + 1;
    } else if (c === COMMA && !quoted) {
      if (cells.length >= limit) return cells;
      cells.push(start < i ? cell + line.slice(start, i) : cell);
      cell = "";
      start = i + 1;
    }
  }
  if (cells.length < limit) cells.push(start < line.length ? cell + line.slice(start) : cell);
  return cells;
}

/**
 * The cells of one CSV row at `columns` (ascending), read as {@linkcode splitRow} reads them into
 * `row[column]` (blank when the row is shorter); the other cells are stepped over without being
 * made, and the reading stops after the last column asked for. For a reader that wants 7 columns
 * of rows of 10⁵ quoted cells, a row costs one look at each character and nothing per cell.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readCells } from "./csv_series.ts";
 * const row: string[] = [];
 * readCells('0,"x,y",2.5,9', [0, 2], row);
 * assertEquals([row[0], row[2]], ["0", "2.5"]);
 * ```
 */
export function readCells(line: string, columns: readonly number[], row: string[]): void {
  for (const column of columns) row[column] = "";
  if (columns.length === 0) return;
  let next = 0, at = 0, want = columns[0] === 0;
  let cell = "", start = 0, quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      if (want && start < i) cell += line.slice(start, i);
      if (quoted && line.charCodeAt(i + 1) === QUOTE) {
        if (want) cell += '"';
        i++;
      } else quoted = !quoted;
      start = i + 1;
    } else if (c === COMMA && !quoted) {
      if (want) {
        row[at] = start < i ? cell + line.slice(start, i) : cell;
        if (++next === columns.length) return;
        cell = "";
      }
      want = columns[next] === ++at;
      start = i + 1;
    }
  }
  if (want) row[at] = start < line.length ? cell + line.slice(start) : cell;
}

const COMMA = 44, QUOTE = 34;
