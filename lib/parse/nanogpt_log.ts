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

/** The fields a line may carry, in the order a field's name is tried. */
const NAMES = ["train loss", "val loss", "loss", "lr", "grad_norm", "norm"] as const;
const [TRAIN_LOSS, VAL_LOSS, LOSS, LR, GRAD_NORM, NORM] = [0, 1, 2, 3, 4, 5];

/** One line: its kind, step and named values (one object, refilled line after line). */
interface LogLine {
  kind: "iter" | "step" | "val";
  step: number;
  /** The value of each of {@linkcode NAMES}, by index, where `found` has its bit. */
  values: Float64Array;
  found: number;
}

const blank = (): LogLine => ({
  kind: "iter",
  step: 0,
  values: new Float64Array(NAMES.length),
  found: 0,
});

/** The value of field `k` of the line, or undefined when the line has none. */
const get = (l: LogLine, k: number) => (l.found & (1 << k)) !== 0 ? l.values[k] : undefined;

/**
 * Whether a line is a nanoGPT/llm.c training or evaluation line.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isNanoGptLine } from "./nanogpt_log.ts";
 * assertEquals(isNanoGptLine("iter 100: loss 2.3451, time 123.45ms"), true);
 * assertEquals(isNanoGptLine("iter 100 done"), false);
 * ```
 */
export function isNanoGptLine(line: string): boolean {
  const l = blank();
  return logLine(line, l) && l.kind !== "val" &&
    (get(l, LOSS) !== undefined || get(l, TRAIN_LOSS) !== undefined);
}

/**
 * Reads a nanoGPT or llm.c training log: `iter 100: loss 2.3451, time 123.45ms, mfu 12.34%`,
 * evaluations `step 100: train loss 2.4989, val loss 2.5072`; llm.c's
 * `step  100/5000 | train loss 2.3451 | norm 1.2 | lr 6.0e-04 | (123 ms | 1234 tok/s)` and
 * `val loss 2.34`.
 *
 * Why: these are the logs of people training GPTs from scratch, and the lines people paste. In
 * nanoGPT the `iter` lines are the training loss of single iterations (one every
 * `log_interval`) and the `step` lines are evaluations, whose `val loss` is the eval series; when a
 * log has no `iter` lines (llm.c), its `step` lines are the training loss, and a bare
 * `val loss …` line belongs to the last step seen. `lr`, `norm` and `grad_norm` fields are read
 * too. Fields are found by name after a comma or a bar, so extra fields do not matter.
 *
 * One pass over the lines ({@linkcode LogLines}), no object per line; the reading stops as soon
 * as a series passes `maxValues` (`SeriesTooLong`; before the first `iter` line, `step` lines
 * count as training points, since an llm.c log has no other).
 *
 * Cost: O(n) for n characters, no regular expression.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readNanoGptLog } from "./nanogpt_log.ts";
 * const log = readNanoGptLog(
 *   "step 0: train loss 4.28, val loss 4.28\n" +
 *     "iter 0: loss 4.2661, time 33197.22ms, mfu -100.00%\niter 10: loss 3.4788, time 1705.53ms\n",
 * );
 * assertEquals([...log.loss], [4.2661, 3.4788]); // the iter lines
 * assertEquals([...log.series.eval_loss!.values], [4.28]); // the step line's val loss
 * const llmc = readNanoGptLog("step    1/5000 | train loss 4.5 | norm 1.2 | lr 6.0e-04\n" +
 *   "step    2/5000 | train loss 4.4 | norm 1.1 | lr 6.0e-04\n");
 * assertEquals([[...llmc.loss], [...llmc.series.grad_norm!.values]], [[4.5, 4.4], [1.2, 1.1]]);
 * ```
 */
export function readNanoGptLog(text: string, maxValues: number = Infinity): FrameworkLog {
  const log = collectPoints("nanogpt", maxValues);
  const l = blank();
  let iterations = false, last = 0;
  const lines = new LogLines(text);
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (!logLine(line, l)) continue;
    if (l.kind === "iter" && !iterations) {
      // nanoGPT: training points come from `iter` lines only; the `step` lines read so far
      // were its evaluations, not llm.c's training steps.
      iterations = true;
      for (const name of ["loss", "learning_rate", "grad_norm"] as const) log.clear(name);
    }
    const step = l.kind === "val" ? last : l.step;
    last = step;
    const training = iterations ? l.kind === "iter" : l.kind === "step";
    const loss = get(l, LOSS) ?? get(l, TRAIN_LOSS);
    if (training && loss !== undefined) {
      log.add("loss", step, loss);
      const lr = get(l, LR), norm = get(l, GRAD_NORM) ?? get(l, NORM);
      if (lr !== undefined) log.add("learning_rate", step, lr);
      if (norm !== undefined) log.add("grad_norm", step, norm);
    }
    const val = get(l, VAL_LOSS);
    if (val !== undefined) log.add("eval_loss", step, val);
  }
  return log.finish({ logged_as: "value" });
}

/**
 * Parses `iter N: …`, `step N[/T][:| ] …` or `val loss X` (after leading white space) into `l`;
 * false when the line is none of them or names no known field. Fields are separated by `,` or
 * `|` (found with `indexOf`, each searched again only once passed); each is matched against
 * {@linkcode NAMES} at its start, so a line costs its length.
 */
function logLine(line: string, l: LogLine): boolean {
  let at = 0;
  while (at < line.length && isWhite(line.charCodeAt(at))) at++;
  if (line.startsWith("iter ", at)) {
    l.kind = "iter";
    at += 5;
  } else if (line.startsWith("step ", at)) {
    l.kind = "step";
    at += 5;
  } else if (line.startsWith("val loss ", at)) l.kind = "val";
  else return false;
  l.step = 0;
  if (l.kind !== "val") {
    while (line.charCodeAt(at) === 32) at++;
    const end = digitsEnd(line, at);
    if (end === at) return false;
    l.step = integerValue(line, at, end);
    at = end;
    if (line.charCodeAt(at) === 47 /* / */) at = digitsEnd(line, at + 1);
    const c = line.charCodeAt(at);
    if (c !== 58 /* : */ && c !== 32) return false;
    at++;
  }
  l.found = 0;
  let comma = line.indexOf(",", at), bar = line.indexOf("|", at);
  for (let start = at; start <= line.length;) {
    if (comma >= 0 && comma < start) comma = line.indexOf(",", start);
    if (bar >= 0 && bar < start) bar = line.indexOf("|", start);
    const end = Math.min(comma < 0 ? line.length : comma, bar < 0 ? line.length : bar);
    field(line, start, end, l);
    start = end + 1;
  }
  return l.found !== 0;
}

/** Reads the field `line[start, end)`, trimmed, when it starts with a known name. */
function field(line: string, start: number, end: number, l: LogLine): void {
  while (start < end && isWhite(line.charCodeAt(start))) start++;
  while (end > start && isWhite(line.charCodeAt(end - 1))) end--;
  for (let k = 0; k < NAMES.length; k++) {
    const name = NAMES[k], after = start + name.length;
    if (after >= end || !spellsAt(line, start, name)) continue;
    const next = line.charCodeAt(after);
    if (next !== 32 && next !== 58 /* : */) continue;
    const value = numberAt(line, after + (next === 58 ? 1 : 0), end);
    if (value !== undefined && (l.found & (1 << k)) === 0) {
      l.values[k] = value;
      l.found |= 1 << k;
    }
    return;
  }
}
