/**
 * Reads a LLaMA-Factory `trainer_log.jsonl`: one JSON object per line, written by its log callback
 * (`current_steps`, `total_steps`, `loss`, `eval_loss`, `lr`, `epoch`, `percentage`, times, …).
 *
 * Why: LLaMA-Factory's users have this file beside `trainer_state.json` (often only this one,
 * while training runs). Its entries are the Hugging Face Trainer's logs renamed, so they are read
 * by the same code ({@linkcode readLogEntries}): the loss is the mean over the logging window,
 * the `epoch` field gives steps per epoch. Lines that are not objects are an error naming the line;
 * Python's bare NaN and Infinity are accepted.
 *
 * Cost: O(n) for n characters (one `JSON.parse` per line).
 *
 * @example
 * ```ts
 * const text = '{"current_steps": 5, "loss": 2.3, "lr": 1e-4, "epoch": 0.5}\n' +
 *   '{"current_steps": 10, "loss": 2.1, "lr": 9e-5, "epoch": 1.0}\n';
 * isTrainerLog(text); // true
 * readTrainerLog(text).loss; // Float64Array [2.3, 2.1]
 * ```
 */
import type { FrameworkLog } from "./framework_log.ts";
import { parsePythonJson } from "./python_json.ts";
import { readLogEntries } from "./trainer_state.ts";

/** Whether a text looks like a trainer_log.jsonl: its first line an object with `current_steps`. */
export function isTrainerLog(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== "{") return false;
  const end = text.indexOf("\n", start);
  const first = text.slice(start, end < 0 ? text.length : end);
  return first.includes('"current_steps"') && first.trimEnd().endsWith("}");
}

export function readTrainerLog(text: string): FrameworkLog {
  const lines = text.split("\n");
  const entries: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      entries.push(parsePythonJson(line));
    } catch (error) {
      throw new TypeError(`line ${i + 1} of the trainer_log.jsonl: ${(error as Error).message}`);
    }
  }
  return readLogEntries(entries, "trainer_log", "current_steps", "lr", "/lines");
}
