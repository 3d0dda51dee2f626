/**
 * A request over one of the service's configured limits (routes/config.ts): answered 413 with the
 * limit's name, its value and what the request had, so the client knows which setting to raise
 * or how to split the request. The one class every route and the MCP bridge use.
 *
 * It extends RangeError, so code that does not know it (the MCP bridge, the app's error handler)
 * still treats it as bad input (422) rather than a crash.
 *
 * @example
 * ```ts
 * throw new LimitError("x has 9 numbers, more than MAX_SERIES_POINTS = 4", "MAX_SERIES_POINTS", 4, 9);
 * // → 413 {"limit": "MAX_SERIES_POINTS", "value": 4, "found": 9, "detail": "x has 9 numbers…"}
 * ```
 */
import { problem } from "./problem.ts";

export class LimitError extends RangeError {
  /**
   * @param message what was too large, by how much, and the limit
   * @param limit the environment variable (or documented constant) that sets the limit
   * @param value the limit's value
   * @param found what the request had (points, bytes, milliseconds), when known
   */
  constructor(
    message: string,
    readonly limit: string,
    readonly value: number,
    readonly found?: number,
  ) {
    super(message);
    this.name = "LimitError";
  }
}

/**
 * Throws a {@linkcode LimitError} when `found` is over `value`: "`subject` has `found` `unit`,
 * more than `limit` = `value`".
 */
export function checkLimit(
  limit: string,
  value: number,
  found: number,
  subject: string,
  unit: string,
): void {
  if (found > value) {
    throw new LimitError(
      `${subject} has ${found} ${unit}, more than ${limit} = ${value}`,
      limit,
      value,
      found,
    );
  }
}

/** The 413 problem+json answer for a {@linkcode LimitError}. */
export function limitProblem(error: LimitError): Response {
  return problem(413, error.message, {
    limit: error.limit,
    value: error.value,
    ...(error.found === undefined ? {} : { found: error.found }),
  });
}
