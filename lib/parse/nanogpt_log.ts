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
 * Cost: O(n) for n characters, no regular expression on a line.
 *
 * @example
 * ```ts
 * const log = readNanoGptLog("step 0: train loss 4.28, val loss 4.28\n" +
 *   "iter 0: loss 4.2661, time 33197.22ms, mfu -100.00%\niter 10: loss 3.4788, time 1705.53ms\n");
 * log.loss; // Float64Array [4.2661, 3.4788]
 * log.series.eval_loss?.values; // Float64Array [4.28]
 * ```
 */
import {
  collectPoints,
  type FrameworkLog,
  integerAt,
  logLines,
  numberAt,
} from "./framework_log.ts";

/** One line: its kind, step and named values. */
interface LogLine {
  kind: "iter" | "step" | "val";
  step: number;
  fields: Map<string, number>;
}

const NAMES = ["train loss", "val loss", "loss", "lr", "grad_norm", "norm"];

/** Whether a line is a nanoGPT/llm.c training or evaluation line. */
export function isNanoGptLine(line: string): boolean {
  const parsed = logLine(line.trimStart());
  return parsed !== null && parsed.kind !== "val" &&
    (parsed.fields.has("loss") || parsed.fields.has("train loss"));
}

export function readNanoGptLog(text: string): FrameworkLog {
  const lines: LogLine[] = [];
  for (const line of logLines(text)) {
    const parsed = logLine(line.trimStart());
    if (parsed) lines.push(parsed);
  }
  const iterations = lines.some((l) => l.kind === "iter");
  const log = collectPoints("nanogpt");
  let last = 0;
  for (const l of lines) {
    const step = l.kind === "val" ? last : l.step;
    last = step;
    const training = iterations ? l.kind === "iter" : l.kind === "step";
    const loss = l.fields.get("loss") ?? l.fields.get("train loss");
    if (training && loss !== undefined) {
      log.add("loss", step, loss);
      const lr = l.fields.get("lr"), norm = l.fields.get("grad_norm") ?? l.fields.get("norm");
      if (lr !== undefined) log.add("learning_rate", step, lr);
      if (norm !== undefined) log.add("grad_norm", step, norm);
    }
    const val = l.fields.get("val loss");
    if (val !== undefined) log.add("eval_loss", step, val);
  }
  return log.finish({ logged_as: "value" });
}

/** Parses `iter N: …`, `step N[/T][:| ] …` or `val loss X`, else null. */
function logLine(line: string): LogLine | null {
  let kind: LogLine["kind"];
  let at: number;
  if (line.startsWith("iter ")) [kind, at] = ["iter", 5];
  else if (line.startsWith("step ")) [kind, at] = ["step", 5];
  else if (line.startsWith("val loss ")) [kind, at] = ["val", 0];
  else return null;
  let step = 0;
  if (kind !== "val") {
    while (line[at] === " ") at++;
    const n = integerAt(line, at);
    if (!n) return null;
    step = n.value;
    at = n.end;
    if (line[at] === "/") at = integerAt(line, at + 1)?.end ?? at + 1;
    if (line[at] !== ":" && line[at] !== " ") return null;
    at++;
  }
  const fields = new Map<string, number>();
  let start = at;
  for (let i = at; i <= line.length; i++) {
    if (i < line.length && line[i] !== "," && line[i] !== "|") continue;
    field(line.slice(start, i).trim(), fields);
    start = i + 1;
  }
  return fields.size > 0 ? { kind, step, fields } : null;
}

function field(text: string, fields: Map<string, number>): void {
  const lower = text.toLowerCase();
  for (const name of NAMES) {
    if (!lower.startsWith(name + " ") && !lower.startsWith(name + ":")) continue;
    const value = numberAt(text, name.length + (text[name.length] === ":" ? 1 : 0));
    if (value !== undefined && !fields.has(name)) fields.set(name, value);
    return;
  }
}
