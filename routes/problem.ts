/**
 * RFC 9457 problem details: the one shape of every answer that is not a 200.
 *
 * Every error the service can produce goes through {@linkcode problem}, so clients parse one
 * shape: `{ type, title, status, detail, errors? }` with `Content-Type: application/problem+json`.
 * Validation errors carry one `{ pointer, detail }` per bad field, `pointer` being an RFC 6901
 * JSON pointer into the request body (or `#/query/name` for a query parameter).
 */
/** One bad field of a request. */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** The body of a problem+json answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
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

/** The title of a problem with this status ("Error" for one without its own). */
export function problemTitle(status: number): string {
  return titles[status]?.[1] ?? "Error";
}

/** The `type` URI of a problem with this status. */
export function problemType(status: number): string {
  return `urn:lossdoctor:problem:${titles[status]?.[0] ?? "error"}`;
}

/** A problem+json `Response`. Extra members (e.g. `limit`, `value`) are copied in. */
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

/** Turns a path (`["loss", 3]`) into an RFC 6901 pointer (`/loss/3`). */
export function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => "/" + String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/** A 422 from zod issues; `prefix` roots the pointers (`""` for the body, `"#/query"`…). */
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
