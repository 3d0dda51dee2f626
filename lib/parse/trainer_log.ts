import { firstNonWhite, type FrameworkLog } from "./framework_log.ts";
import { TextLines } from "./line_cursor.ts";
import { logEntries } from "./log_entries.ts";
import { parsePythonJson } from "./python_json.ts";

/**
 * Whether a text looks like a trainer_log.jsonl: its first line an object with `current_steps`.
 * Looks at the text it is given only (the caller passes a bounded prefix): a first line longer
 * than that is not recognised.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isTrainerLog } from "./trainer_log.ts";
 * assertEquals(isTrainerLog('{"current_steps": 5, "loss": 2.3}\n'), true);
 * assertEquals(isTrainerLog('{"step": 5, "loss": 2.3}\n'), false);
 * ```
 */
export function isTrainerLog(text: string): boolean {
  const start = firstNonWhite(text);
  if (start < 0 || text[start] !== "{") return false;
  const end = text.indexOf("\n", start);
  const first = text.slice(start, end < 0 ? text.length : end);
  return first.includes('"current_steps"') && first.trimEnd().endsWith("}");
}

/**
 * Reads a LLaMA-Factory `trainer_log.jsonl`: one JSON object per line, written by its log callback
 * (`current_steps`, `total_steps`, `loss`, `eval_loss`, `lr`, `epoch`, `percentage`, times, …).
 *
 * Why: LLaMA-Factory's users have this file beside `trainer_state.json` (often only this one,
 * while training runs). Its entries are the Hugging Face Trainer's logs renamed, so they are read
 * by the same code (`logEntries`): the loss is the mean over the logging window,
 * the `epoch` field gives steps per epoch. Lines that are not objects are an error naming the line;
 * Python's bare NaN and Infinity are accepted.
 *
 * One pass: a line is parsed, read and forgotten (no array of lines, none of entries), and the
 * reading stops as soon as a series passes `maxValues` (`SeriesTooLong`). A line's JSON is
 * measured before it is built, as every JSON body is (`scanJson`: a line nested past 64 levels
 * is an error naming the line).
 *
 * Cost: O(n) for n characters (one `JSON.parse` per line).
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { isTrainerLog, readTrainerLog } from "./trainer_log.ts";
 * const text = '{"current_steps": 5, "loss": 2.3, "lr": 1e-4, "epoch": 0.5}\n' +
 *   '{"current_steps": 10, "loss": 2.1, "lr": 9e-5, "epoch": 1.0}\n';
 * assertEquals(isTrainerLog(text), true);
 * assertEquals([...readTrainerLog(text).loss], [2.3, 2.1]);
 * assertEquals([...readTrainerLog(text).steps], [5, 10]);
 * assertThrows(() => readTrainerLog(text + "[1]\n"), TypeError, "/lines/2: expected an object");
 * ```
 */
export function readTrainerLog(text: string, maxValues: number = Infinity): FrameworkLog {
  const entries = logEntries(
    "trainer_log",
    { step: "current_steps", lr: "lr", pointer: "/lines" },
    maxValues,
  );
  const lines = new TextLines(text);
  let index = 0;
  for (let line = lines.next(); line !== null; line = lines.next()) {
    const entry = line.trim();
    if (entry === "") continue;
    let value: unknown;
    try {
      value = parsePythonJson(entry);
    } catch (error) {
      throw new TypeError(
        `line ${lines.number} of the trainer_log.jsonl: ${(error as Error).message}`,
      );
    }
    entries.add(value, index++);
  }
  return entries.finish();
}
