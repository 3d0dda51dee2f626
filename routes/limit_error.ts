/**
 * A request over one of the service's configured limits (routes/config.ts): answered 413 with the
 * limit's name and value, so the client knows which setting to raise or how to split the request.
 *
 * It extends RangeError, so code that does not know it (the MCP bridge, the app's error handler)
 * still treats it as bad input (422) rather than a crash.
 */
import { problem } from "./problem.ts";

export class LimitError extends RangeError {
  /**
   * @param message what was too large, by how much, and the limit
   * @param limit the environment variable (or documented constant) that sets the limit
   * @param value the limit's value
   */
  constructor(message: string, readonly limit: string, readonly value: number) {
    super(message);
    this.name = "LimitError";
  }
}

/** The 413 problem+json answer for a {@linkcode LimitError}. */
export function limitProblem(error: LimitError): Response {
  return problem(413, error.message, { limit: error.limit, value: error.value });
}
