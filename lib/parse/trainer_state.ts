/**
 * Reads a Hugging Face `trainer_state.json` (what `Trainer` writes into every checkpoint).
 *
 * Why: it is the file a fine-tuning person has, and it holds everything the analysis wants. Its
 * `log_history` mixes entries: training logs (`loss`, `learning_rate`, `grad_norm`, `epoch`,
 * `step`), evaluations (`eval_loss`, …) and a closing summary (`train_loss`, `train_runtime`).
 * The training loss is the mean over the logging window (`Trainer` divides the loss accumulated
 * since the last log by the steps in between), so the logging interval is `log_every`; the
 * `epoch` field gives steps per epoch ({@linkcode stepsFromFractionalEpochs}, robust to its
 * rounding to 2 decimals).
 *
 * Cost: O(n) for n entries. Errors name the first bad entry.
 *
 * @example
 * ```ts
 * const log = readTrainerState({ log_history: [
 *   { epoch: 0.5, loss: 2.1, learning_rate: 1e-4, step: 10 },
 *   { epoch: 1.0, loss: 1.9, learning_rate: 5e-5, step: 20 },
 *   { epoch: 1.0, eval_loss: 2.0, step: 20 },
 * ] });
 * log.implied; // { steps_per_epoch: 20, log_every: 10 }
 * ```
 */
import { describe } from "./series_values.ts";
import { collectPoints, type FrameworkLog, medianSpacing } from "./framework_log.ts";
import { stepsFromFractionalEpochs } from "./steps_per_epoch.ts";

/** Whether a parsed JSON value is a trainer_state.json (an object with a `log_history` array). */
export function isTrainerState(value: unknown): value is { log_history: unknown[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Array.isArray((value as Record<string, unknown>).log_history);
}

export function readTrainerState(value: { log_history: unknown[] }): FrameworkLog {
  // The state's own `global_step` and `epoch` are written unrounded (19000 and 2.97665…):
  // one exact point pins the steps per epoch that the log's 2-decimal epochs only bound.
  const { global_step: step, epoch } = value as Record<string, unknown>;
  const exact = typeof step === "number" && typeof epoch === "number" && step > 0 && epoch > 0
    ? { step, epoch }
    : undefined;
  return readLogEntries(
    value.log_history,
    "trainer_state",
    "step",
    "learning_rate",
    "/log_history",
    exact,
  );
}

/**
 * Reads Trainer-style log entries (also LLaMA-Factory's, whose names differ): each an object
 * with a step and any of loss, eval_loss, learning rate, grad_norm and epoch. `exact` is a
 * step and its unrounded epoch, when the file has one, for the steps per epoch.
 */
export function readLogEntries(
  entries: readonly unknown[],
  format: "trainer_state" | "trainer_log",
  stepKey: string,
  lrKey: string,
  pointer: string,
  exact?: { step: number; epoch: number },
): FrameworkLog {
  const log = collectPoints(format);
  const epochSteps: number[] = exact ? [exact.step] : [],
    epochs: number[] = exact ? [exact.epoch] : [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new TypeError(`${pointer}/${i}: expected an object, found ${describe(entry)}`);
    }
    const e = entry as Record<string, unknown>;
    const step = e[stepKey];
    if (typeof step !== "number" || !Number.isFinite(step)) continue;
    const loss = numeric(e.loss);
    if (loss !== undefined) {
      log.add("loss", step, loss);
      const lr = numeric(e[lrKey]), norm = numeric(e.grad_norm);
      if (lr !== undefined) log.add("learning_rate", step, lr);
      if (norm !== undefined) log.add("grad_norm", step, norm);
      const epoch = numeric(e.epoch);
      if (epoch !== undefined) {
        epochSteps.push(step);
        epochs.push(epoch);
      }
    }
    const evalLoss = numeric(e.eval_loss);
    if (evalLoss !== undefined) log.add("eval_loss", step, evalLoss);
  }
  const spacing = medianSpacing(log.steps("loss"));
  const stepsPerEpoch = stepsFromFractionalEpochs(epochSteps, epochs);
  return log.finish({
    ...(stepsPerEpoch !== null ? { steps_per_epoch: stepsPerEpoch } : {}),
    ...(spacing !== undefined && spacing > 1 && Number.isInteger(spacing)
      ? { log_every: spacing }
      : {}),
  });
}

/** A number, or NaN/±Infinity (Python writes them bare; they arrive as numbers), else undefined. */
function numeric(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}
