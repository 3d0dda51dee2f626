/**
 * RFC 9457 problem details: the one shape of every answer that is not a 200.
 *
 * Every error the service can produce goes through {@linkcode problem}, so clients parse one
 * shape: `{ type, title, status, detail, errors? }` with `Content-Type: application/problem+json`.
 * Validation errors carry one `{ pointer, detail }` per bad field, `pointer` being an RFC 6901
 * JSON pointer into the request body (or `/query/name` for a query parameter). The schema the
 * contract publishes for it is in `problem_schema.ts` (only the document loads it).
 *
 * @module
 */

/** One bad field of a request. */
export interface FieldError {
  /** RFC 6901 pointer to the field: `/loss/3`, or `/query/log_every`. */
  pointer: string;
  /** What was expected and what was found. */
  detail: string;
}

/** The body of a problem+json answer (RFC 9457 §3). */
export interface Problem {
  /** `urn:lossdoctor:problem:<slug>`, one per status: what clients switch on. */
  type: string;
  /** The status's short title ("Request too large"). */
  title: string;
  /** The HTTP status, repeated. */
  status: number;
  /** What went wrong with this request, for a person. */
  detail: string;
  /** One entry per bad field, for a 422. */
  errors?: FieldError[];
  /** Extension members: `limit`, `value`, `found` of a 413. */
  [extension: string]: unknown;
}

const titles: Record<number, [slug: string, title: string]> = {
  400: ["bad-request", "Bad request"],
  401: ["unauthorized", "Unauthorized"],
  404: ["not-found", "Not found"],
  405: ["method-not-allowed", "Method not allowed"],
  406: ["not-acceptable", "Not acceptable"],
  408: ["timeout", "Request took too long"],
  413: ["too-large", "Request too large"],
  415: ["unsupported-media-type", "Unsupported media type"],
  422: ["validation", "The request is not valid"],
  500: ["internal", "Internal error"],
  503: ["unavailable", "Service unavailable"],
};

/**
 * The title of a problem with this status ("Error" for one without its own).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { problemTitle } from "./problem.ts";
 * assertEquals(problemTitle(413), "Request too large");
 * assertEquals(problemTitle(418), "Error");
 * ```
 */
export function problemTitle(status: number): string {
  return titles[status]?.[1] ?? "Error";
}

/**
 * The `type` URI of a problem with this status.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { problemType } from "./problem.ts";
 * assertEquals(problemType(422), "urn:lossdoctor:problem:validation");
 * ```
 */
export function problemType(status: number): string {
  return `urn:lossdoctor:problem:${titles[status]?.[0] ?? "error"}`;
}

/**
 * A problem+json `Response`. Extra members (e.g. `limit`, `value`) are copied in; `headers` are
 * added to the answer's (e.g. `WWW-Authenticate`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { problem } from "./problem.ts";
 * const res = problem(413, "the series has 2000001 points", { limit: "MAX_SERIES_POINTS" });
 * assertEquals(res.headers.get("content-type"), "application/problem+json");
 * assertEquals((await res.json()).limit, "MAX_SERIES_POINTS");
 * ```
 */
export function problem(
  status: number,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: problemType(status),
    title: problemTitle(status),
    status,
    detail,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/**
 * Turns a path (`["loss", 3]`) into an RFC 6901 pointer (`/loss/3`), escaping `~` and `/`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { pointer } from "./problem.ts";
 * assertEquals(pointer(["loss", 3]), "/loss/3");
 * assertEquals(pointer(["a/b", "~c"]), "/a~1b/~0c");
 * ```
 */
export function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/**
 * A 422 from zod issues (at most 50 listed); `prefix` roots the pointers (`""` for the body,
 * `"/query"` for query parameters).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { validationProblem } from "./problem.ts";
 * const res = validationProblem([{ path: ["batch_size"], message: "expected ≥ 1, found 0" }]);
 * assertEquals(res.status, 422);
 * assertEquals((await res.json()).detail, "/batch_size: expected ≥ 1, found 0");
 * ```
 */
export function validationProblem(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = "",
): Response {
  const errors = issues.slice(0, 50).map((i) => ({
    pointer: prefix + pointer(i.path),
    detail: i.message,
  }));
  const first = errors[0];
  const detail = first
    ? `${first.pointer || "the body"}: ${first.detail}` +
      (issues.length > 1 ? ` (and ${issues.length - 1} more)` : "")
    : "the request is not valid";
  return problem(422, detail, { errors });
}
