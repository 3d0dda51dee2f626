import type { Config } from "./config.ts";
import { LimitError } from "./limit_error.ts";

/** Where the safety net's line goes (the console, or a test's list). */
export interface SlowLog {
  /** Writes one warning line. */
  warn(line: string): void;
}

/**
 * The counted-work budget of one analysis (`MAX_ANALYSIS_WORK`): the checkpoint the period
 * search calls before each fold with the units of work the fold will spend; past
 * `config.maxAnalysisWork` it throws a {@linkcode LimitError} (413 naming `MAX_ANALYSIS_WORK`).
 * `label` (method and path) names the request in the safety net's log line.
 *
 * Why counted work and not a clock: the same request must get the same answer on an idle or
 * a busy machine, in Deno or in a Worker (whose clock stands still during synchronous work).
 * A time budget answered the same typical 10⁶-point curve 200 on an idle machine and 413 while
 * other processes used the cores (issue 12). The one search whose cost is not linear in its
 * input — the period search of `/v1/spikes` and `/v1/diagnose`, which folds every spike event
 * once per candidate period — announces each fold's cost (`WORK_UNITS` in
 * lib/period/find_period.ts: events × candidates, points × folds); the units depend on the
 * series alone. Everything else every endpoint does is linear in sizes the other limits bound.
 *
 * The contract of the hook, which the pipeline keeps: `checkpoint(units)` is called before the
 * work it announces, `units ≥ 0`, the sum over a request is a function of its input alone, and
 * a throw abandons the analysis and propagates to the caller.
 *
 * The limit is calibrated by `bench/work_budget.ts` on one core: the slowest series it admits
 * takes at most the 2 s target end to end, and the real curves of the evaluation corpus (10⁶
 * points included) need a small share of it (docs/limits.md has the numbers).
 *
 * The clock stays only as a logged safety net: a search still running after
 * `SLOW_ANALYSIS_MS` is logged once with its counted work (the machine is slower than the
 * limit assumes, or the calibration is stale). It never changes the answer.
 *
 * @throws {RangeError} from the checkpoint, for a count that is not ≥ 0; {@linkcode LimitError}
 * past the limit.
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { LimitError } from "./limit_error.ts";
 * import { workBudget } from "./work_budget.ts";
 * const checkpoint = workBudget({ ...defaultConfig, maxAnalysisWork: 100 });
 * checkpoint(60);
 * checkpoint(40); // 100: at the limit, still fine
 * assertThrows(() => checkpoint(1), LimitError, "MAX_ANALYSIS_WORK = 100");
 * ```
 */
export function workBudget(
  config: Config,
  label = "analysis",
  log: SlowLog = console,
  now: () => number = () => performance.now(),
): (units: number) => void {
  let spent = 0, logged = false;
  const start = now();
  return (units: number): void => {
    if (!(units >= 0)) throw new RangeError(`expected a count of work units, found ${units}`);
    spent += units;
    if (spent > config.maxAnalysisWork) {
      throw new LimitError(
        `the period search needs more than MAX_ANALYSIS_WORK = ${config.maxAnalysisWork} ` +
          `units of work (${spent} counted so far); send fewer points (e.g. every k-th, or ` +
          "the mean of each k steps with log_every = k)",
        "MAX_ANALYSIS_WORK",
        config.maxAnalysisWork,
        spent,
      );
    }
    const elapsed = now() - start;
    if (!logged && elapsed > config.slowAnalysisMs) {
      logged = true;
      log.warn(
        `${label}: the period search has run ${Math.round(elapsed)} ms for ${spent} units ` +
          `of work (MAX_ANALYSIS_WORK = ${config.maxAnalysisWork}, SLOW_ANALYSIS_MS = ` +
          `${config.slowAnalysisMs}): this machine is slower than the limit assumes; ` +
          "the answer is not changed",
      );
    }
  };
}
