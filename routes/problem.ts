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
 * The most bytes of a problem body. A message may quote the request (a CSV header of 10⁶
 * columns once became a 12.9 MB problem listing every column): every string is cut to a
 * length that says enough, at most `MAX_LISTED_ERRORS` field errors are listed, and the body
 * is checked against this bound last.
 */
export const MAX_PROBLEM_BYTES = 8192;
/** Field errors listed in one problem; the detail says how many there were. */
export const MAX_LISTED_ERRORS = 20;
const MAX_DETAIL_CHARS = 1000;
const MAX_FIELD_CHARS = 300;

/**
 * A problem+json `Response` of at most {@linkcode MAX_PROBLEM_BYTES} bytes. Extra members
 * (e.g. `limit`, `value`) are copied in; `headers` are added to the answer's (e.g.
 * `WWW-Authenticate`).
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
  return new Response(boundedJson(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** `text`, cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/**
 * The JSON of an error body of at most {@linkcode MAX_PROBLEM_BYTES} bytes: its strings clipped
 * (the detail, each field error's pointer and detail, any other string member), then field
 * errors dropped from the end until it fits, then the detail cut further.
 */
export function boundedJson(body: Problem): string {
  const clipped: Problem = { ...body, detail: clip(body.detail, MAX_DETAIL_CHARS) };
  for (const [key, value] of Object.entries(clipped)) {
    if (typeof value === "string" && key !== "detail") clipped[key] = clip(value, MAX_FIELD_CHARS);
  }
  if (body.errors) {
    clipped.errors = body.errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({
      pointer: clip(e.pointer, MAX_FIELD_CHARS),
      detail: clip(e.detail, MAX_FIELD_CHARS),
    }));
  }
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  let text = JSON.stringify(clipped);
  while (bytes(text) > MAX_PROBLEM_BYTES && (clipped.errors?.length ?? 0) > 0) {
    clipped.errors = clipped.errors!.slice(0, -1);
    text = JSON.stringify(clipped);
  }
  for (let max = MAX_DETAIL_CHARS; bytes(text) > MAX_PROBLEM_BYTES && max > 10; max >>= 1) {
    clipped.detail = clip(body.detail, max);
    text = JSON.stringify(clipped);
  }
  return text;
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
 * A 422 from validation issues; `prefix` roots the pointers (`""` for the body, `"/query"` for
 * query parameters). The issues are those of `validation.ts`: one per bad field, each at its
 * first bad element (validation stops there), at most {@linkcode MAX_LISTED_ERRORS} listed.
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
  const errors = issues.slice(0, MAX_LISTED_ERRORS).map((i) => ({
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
