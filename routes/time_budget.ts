/**
 * The time budget of one analysis (`TIME_BUDGET_MS`): a checkpoint the analysis calls between
 * units of work, which throws a {@linkcode LimitError} (413 naming `TIME_BUDGET_MS`) once the
 * budget is spent.
 *
 * Why a checkpoint and not a timer: the analyses are synchronous CPU work, so no timer, no
 * `AbortSignal.timeout` and no hono `timeout()` middleware can run until they return; only
 * the code in the loop can notice the clock. The one loop whose cost is not linear in the
 * input is the period search of `/v1/spikes` (each proposal folds every spike event, and a
 * hostile series can hold 10⁵ of them): it calls the checkpoint before each proposal
 * (`lib/period/find_period.ts`). Everything else every endpoint does is linear in sizes the
 * other limits bound, and its worst case at those limits is measured by
 * `bench/worst_case.ts`. So an answer (or this 413) comes at most TIME_BUDGET_MS plus the
 * measured linear work plus one proposal's fold after the body has been read.
 *
 * The answer is the same for the same input on an idle machine; only a series whose analysis
 * takes about the budget may get the 413 on a loaded one. On Cloudflare Workers the clock
 * does not advance during synchronous work, so the checkpoint never fires there: the
 * platform's own CPU-time limit applies instead.
 *
 * @example
 * ```ts
 * analyzeSpikes(loss, { checkpoint: timeBudget(config) });
 * ```
 */
import type { Config } from "./config.ts";
import { LimitError } from "./limit_error.ts";

/**
 * A checkpoint that throws once `config.timeBudgetMs` has passed since `start` (by default, when
 * it was made; a route passes the moment the request arrived, so that reading, parsing and
 * validating the body count too).
 */
export function timeBudget(
  config: Config,
  now: () => number = () => performance.now(),
  start: number = now(),
) {
  const deadline = start + config.timeBudgetMs;
  return (): void => {
    const t = now();
    if (t > deadline) {
      const spent = Math.round(t - start);
      throw new LimitError(
        `the analysis took more than TIME_BUDGET_MS = ${config.timeBudgetMs} ms (stopped after ` +
          `${spent} ms); send fewer points (e.g. every k-th, or the mean of each k steps with ` +
          "log_every = k)",
        "TIME_BUDGET_MS",
        config.timeBudgetMs,
        spent,
      );
    }
  };
}
