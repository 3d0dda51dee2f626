import type { FrameworkLog } from "./framework_log.ts";
import { logEntries } from "./log_entries.ts";

/**
 * Whether a parsed JSON value is a trainer_state.json (an object with a `log_history` array).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { isTrainerState } from "./trainer_state.ts";
 * assertEquals(isTrainerState({ log_history: [] }), true);
 * assertEquals(isTrainerState({ loss: [1, 2] }), false);
 * ```
 */
export function isTrainerState(value: unknown): value is { log_history: unknown[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Array.isArray((value as Record<string, unknown>).log_history);
}

/**
 * Reads a Hugging Face `trainer_state.json` (what `Trainer` writes into every checkpoint).
 *
 * Why: it is the file a fine-tuning person has, and it holds everything the analysis wants. Its
 * `log_history` mixes entries: training logs (`loss`, `learning_rate`, `grad_norm`, `epoch`,
 * `step`), evaluations (`eval_loss`, …) and a closing summary (`train_loss`, `train_runtime`).
 * The training loss is the mean over the logging window (`Trainer` divides the loss accumulated
 * since the last log by the steps in between), so the logging interval is `log_every`; the
 * `epoch` field gives steps per epoch (robust to its rounding to 2 decimals); the entries are
 * read by {@linkcode logEntries}. The JSON itself was measured before it was built (its depth,
 * its arrays and objects: `scanJson`); `maxValues` bounds each series read from it, and the walk
 * stops at the first point past it (`SeriesTooLong`).
 *
 * Cost: O(n) for n entries, one walk. Errors name the first bad entry.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readTrainerState } from "./trainer_state.ts";
 * const log = readTrainerState({
 *   global_step: 5000,
 *   epoch: 12.224938875305623,
 *   log_history: [
 *     { epoch: 6.11, loss: 0.21, learning_rate: 5e-5, step: 2500 },
 *     { epoch: 12.22, loss: 0.12, learning_rate: 1e-6, step: 5000 },
 *     { epoch: 12.22, eval_loss: 0.45, step: 5000 },
 *   ],
 * } as { log_history: unknown[] });
 * assertEquals(log.implied, { steps_per_epoch: 409, log_every: 2500 });
 * assertEquals([...log.loss], [0.21, 0.12]);
 * assertEquals([...log.series.eval_loss!.values], [0.45]);
 * ```
 */
export function readTrainerState(
  value: { log_history: unknown[] },
  maxValues: number = Infinity,
): FrameworkLog {
  // The state's own `global_step` and `epoch` are written unrounded (19000 and 2.97665…):
  // one exact point pins the steps per epoch that the log's 2-decimal epochs only bound.
  const { global_step: step, epoch } = value as Record<string, unknown>;
  const exact = typeof step === "number" && typeof epoch === "number" && step > 0 && epoch > 0
    ? { step, epoch }
    : undefined;
  const entries = logEntries(
    "trainer_state",
    { step: "step", lr: "learning_rate", pointer: "/log_history" },
    maxValues,
    exact,
  );
  const history = value.log_history;
  for (let i = 0; i < history.length; i++) entries.add(history[i], i);
  return entries.finish();
}
