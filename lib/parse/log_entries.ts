/**
 * Reads Trainer-style log entries one at a time: the Hugging Face Trainer's `log_history`
 * entries, and LLaMA-Factory's (whose names differ), each an object with a step and any of
 * loss, eval_loss, learning rate, grad_norm and epoch.
 *
 * Why: both files are long lists of small objects, and one reading serves both: an entry with a
 * loss is a training point (its learning rate, gradient norm and epoch go with it), an entry with
 * `eval_loss` an evaluation, others (the closing summary, progress-only lines) are skipped. The
 * training loss is the mean over the logging window (`Trainer` divides the loss accumulated since
 * the last log by the steps in between), so the logging interval is `log_every`; the `epoch`
 * values give the steps per epoch ({@linkcode FractionalEpochs}, robust to their rounding to 2
 * decimals). Entries are streamed in, so a trainer_log.jsonl is never an array of its lines, and
 * the reading stops as soon as a series passes `maxValues` (`SeriesTooLong`).
 *
 * @module
 */
import { collectPoints, type FrameworkLog, medianSpacing } from "./framework_log.ts";
import { describe } from "./series_values.ts";
import { FractionalEpochs } from "./steps_per_epoch.ts";

/** The names a file gives the step and the learning rate, and where its entries are. */
export interface EntryKeys {
  /** The step's name (`step`, `current_steps`). */
  step: string;
  /** The learning rate's name (`learning_rate`, `lr`). */
  lr: string;
  /** The JSON pointer of the list of entries, for messages (`/log_history`). */
  pointer: string;
}

/** What {@linkcode logEntries} returns: a reader of entries, fed one at a time. */
export interface EntryReader {
  /** Reads one entry (`index`: its place, for an error naming it); skips one without a step. */
  add(entry: unknown, index: number): void;
  /** The file read, with the steps per epoch and logging interval it implies. */
  finish(): FrameworkLog;
}

/**
 * A reader of entries: `add` each (with its index, for an error), then `finish`. `exact`
 * is a step and its unrounded epoch, when the file has one, for the steps per epoch.
 *
 * Cost: O(1) per entry; memory is the points kept. Errors name the entry (`/log_history/3`);
 * a series past `maxValues` throws `SeriesTooLong` at that entry.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { logEntries } from "./log_entries.ts";
 * const keys = { step: "current_steps", lr: "lr", pointer: "/lines" };
 * const entries = logEntries("trainer_log", keys);
 * entries.add({ current_steps: 5, loss: 2.3, lr: 1e-4, epoch: 0.4166666666666667 }, 0);
 * entries.add({ current_steps: 10, loss: 2.1, lr: 9e-5, epoch: 0.8333333333333334 }, 1);
 * entries.add({ current_steps: 15, loss: 2.0, lr: 8e-5, epoch: 1.25 }, 2);
 * assertEquals(entries.finish().implied, { steps_per_epoch: 12, log_every: 5 });
 * ```
 */
export function logEntries(
  format: "trainer_state" | "trainer_log",
  keys: EntryKeys,
  maxValues: number = Infinity,
  exact?: { step: number; epoch: number },
): EntryReader {
  const log = collectPoints(format, maxValues);
  const epochs = new FractionalEpochs();
  if (exact) epochs.add(exact.step, exact.epoch);
  return {
    add(entry: unknown, index: number): void {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new TypeError(
          `${keys.pointer}/${index}: expected an object, found ${describe(entry)}`,
        );
      }
      const e = entry as Record<string, unknown>;
      const step = e[keys.step];
      if (typeof step !== "number" || !Number.isFinite(step)) return;
      const loss = numeric(e.loss);
      if (loss !== undefined) {
        log.add("loss", step, loss);
        const lr = numeric(e[keys.lr]), norm = numeric(e.grad_norm);
        if (lr !== undefined) log.add("learning_rate", step, lr);
        if (norm !== undefined) log.add("grad_norm", step, norm);
        const epoch = numeric(e.epoch);
        if (epoch !== undefined) epochs.add(step, epoch);
      }
      const evalLoss = numeric(e.eval_loss);
      if (evalLoss !== undefined) log.add("eval_loss", step, evalLoss);
    },
    finish(): FrameworkLog {
      const spacing = medianSpacing(log.steps("loss"));
      const stepsPerEpoch = epochs.stepsPerEpoch();
      return log.finish({
        ...(stepsPerEpoch !== null ? { steps_per_epoch: stepsPerEpoch } : {}),
        ...(spacing !== undefined && spacing > 1 && Number.isInteger(spacing)
          ? { log_every: spacing }
          : {}),
      });
    },
  };
}

/** A number, or NaN/±Infinity (Python writes them bare; they arrive as numbers), else undefined. */
function numeric(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}
