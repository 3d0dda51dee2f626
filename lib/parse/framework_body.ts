import { firstNonWhite, type FrameworkLog } from "./framework_log.ts";
import { isKerasLine, readKerasLog } from "./keras_log.ts";
import { isLightningHeader, readLightningCsv } from "./lightning_csv.ts";
import { LogLines } from "./line_cursor.ts";
import { isNanoGptLine, readNanoGptLog } from "./nanogpt_log.ts";
import { isTorchvisionLine, readTorchvisionLog } from "./torchvision_log.ts";
import { isTrainerLog, readTrainerLog } from "./trainer_log.ts";
import { isTrainerState, readTrainerState } from "./trainer_state.ts";

/**
 * How much of a text body is looked at to recognise a log (characters of warnings before it).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readFrameworkText, SNIFF_CHARACTERS } from "./framework_body.ts";
 * const late = " ".repeat(SNIFF_CHARACTERS) + "iter 0: loss 4.27\niter 10: loss 3.48\n";
 * assertEquals(readFrameworkText(late), null); // past the look: not recognised
 * ```
 */
export const SNIFF_CHARACTERS = 65_536;

/**
 * A parsed JSON value that is a framework file (trainer_state.json), read; else null.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readFrameworkJson } from "./framework_body.ts";
 * const state = { log_history: [{ step: 10, loss: 2.5 }, { step: 20, loss: 2.4 }] };
 * assertEquals(readFrameworkJson(state)?.format, "trainer_state");
 * assertEquals(readFrameworkJson({ loss: [2.5, 2.4] }), null);
 * ```
 */
export function readFrameworkJson(
  value: unknown,
  maxValues: number = Infinity,
): FrameworkLog | null {
  return isTrainerState(value) ? readTrainerState(value, maxValues) : null;
}

/**
 * Recognises a framework's own file by its content, with no flag, and reads it.
 *
 * Why: people send the file they have. A JSON object with `log_history` is a Hugging Face
 * `trainer_state.json`; lines of objects with `current_steps` a LLaMA-Factory
 * `trainer_log.jsonl`; a CSV whose header has `epoch` and `step` a Lightning `metrics.csv`; a
 * text with Keras progress lines, torchvision `MetricLogger` lines or nanoGPT/llm.c `iter`/`step`
 * lines that log. Text is recognised from its first {@linkcode SNIFF_CHARACTERS} only (warnings
 * and banners come first; a signature line shows within a few hundred lines), so a plain series
 * of 10⁶ numbers, or 40 MiB of anything, pays one bounded look, not a second pass.
 *
 * `maxValues` bounds every series the file holds: the reader stops at the first point past it
 * and throws `SeriesTooLong`, as the generic readers do, before the rest of the body is read.
 *
 * Cost: O(min(n, 64 Ki)) to recognise, no regular expression; then the reader's one pass, O(n).
 *
 * (This reads text; {@linkcode readFrameworkJson} reads a parsed JSON value.)
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readFrameworkText } from "./framework_body.ts";
 * const nanogpt = "iter 0: loss 4.27, time 33197.22ms\niter 10: loss 3.48, time 1705.53ms\n";
 * assertEquals(readFrameworkText(nanogpt)?.format, "nanogpt");
 * assertEquals(readFrameworkText("step,loss\n0,2.5\n"), null); // a plain CSV
 * ```
 */
export function readFrameworkText(
  text: string,
  column?: string,
  maxValues: number = Infinity,
): FrameworkLog | null {
  const head = text.length > SNIFF_CHARACTERS ? text.slice(0, SNIFF_CHARACTERS) : text;
  const start = firstNonWhite(head);
  if (isTrainerLog(head)) return readTrainerLog(text, maxValues);
  if (head[start] === "{" || head[start] === "[") return null;
  const lines = new LogLines(head);
  let header: string | undefined;
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (isKerasLine(line)) return readKerasLog(text, maxValues);
    if (isTorchvisionLine(line)) return readTorchvisionLog(text, maxValues);
    if (isNanoGptLine(line)) return readNanoGptLog(text, maxValues);
    if (header === undefined && line.trim() !== "") header = line;
  }
  return header !== undefined && header.includes(",") && isLightningHeader(header)
    ? readLightningCsv(text, column, maxValues)
    : null;
}
