import { problem } from "./problem.ts";

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
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { LimitError, limitProblem } from "./limit_error.ts";
 * const error = new LimitError(
 *   "x has 9 numbers, more than MAX_SERIES_POINTS = 4", "MAX_SERIES_POINTS", 4, 9,
 * );
 * assertInstanceOf(error, RangeError);
 * const res = limitProblem(error);
 * assertEquals(res.status, 413);
 * const body = await res.json();
 * assertEquals([body.limit, body.value, body.found], ["MAX_SERIES_POINTS", 4, 9]);
 * ```
 */
export class LimitError extends RangeError {
  /**
   * A request over the limit `limit`.
   *
   * @param message what was too large, by how much, and the limit
   * @param limit the environment variable (or documented constant) that sets the limit
   * @param value the limit's value
   * @param found what the request had (points, bytes, milliseconds), when known
   */
  constructor(
    message: string,
    /** The environment variable (or documented constant) that sets the limit. */
    readonly limit: string,
    /** The limit's value. */
    readonly value: number,
    /** What the request had, when known. */
    readonly found?: number,
  ) {
    super(message);
    this.name = "LimitError";
  }
}

/**
 * Throws a {@linkcode LimitError} when `found` is over `value`: "`subject` has `found` `unit`,
 * more than `limit` = `value`".
 *
 * @throws {LimitError} when `found` > `value`.
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { checkLimit, LimitError } from "./limit_error.ts";
 * checkLimit("MAX_SERIES_POINTS", 4, 4, "loss", "points"); // at the limit: fine
 * assertThrows(
 *   () => checkLimit("MAX_SERIES_POINTS", 4, 9, "loss", "points"),
 *   LimitError,
 *   "loss has 9 points, more than MAX_SERIES_POINTS = 4",
 * );
 * ```
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

/**
 * The 413 problem+json answer for a {@linkcode LimitError}: its message as `detail`, and the
 * extension members `limit`, `value` and (when known) `found`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LimitError, limitProblem } from "./limit_error.ts";
 * const res = limitProblem(new LimitError("too long", "MAX_BODY_BYTES", 1024));
 * assertEquals(await res.json(), {
 *   type: "urn:lossdoctor:problem:too-large", title: "Request too large", status: 413,
 *   detail: "too long", limit: "MAX_BODY_BYTES", value: 1024,
 * });
 * ```
 */
export function limitProblem(error: LimitError): Response {
  return problem(413, error.message, {
    limit: error.limit,
    value: error.value,
    ...(error.found === undefined ? {} : { found: error.found }),
  });
}
