import type { Config } from "./config.ts";
import { MAX_EMBEDDING_DIM, MAX_EMBEDDING_ROWS } from "./contrastive.ts";
import { JSON_LIMITS } from "../lib/parse/mod.ts";
import { MAX_MICRO_BATCHES } from "./last-batch.ts";

/**
 * The Markdown section on limits and auth, appended to `info.description`: every limit's
 * variable, its value in this deployment and what it bounds, and whether this deployment
 * requires a bearer token.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { serviceNotes } from "./contract_notes.ts";
 * const notes = serviceNotes({ ...defaultConfig, maxSeriesPoints: 500 });
 * assertStringIncludes(notes, "| `MAX_SERIES_POINTS` | 500 |");
 * assertStringIncludes(notes, "This deployment does not.");
 * ```
 */
export function serviceNotes(config: Config): string {
  const rows: [string, number, string][] = [
    ["MAX_BODY_BYTES", config.maxBodyBytes, "bytes of a request body (`/v1/*`, `/mcp`)"],
    [
      "MAX_SERIES_POINTS",
      config.maxSeriesPoints,
      "points of a `/v1/spikes` or `/v1/diagnose` series; numbers of a `/v1/logsumexp` `x`",
    ],
    ["MAX_LOGSUMEXP_ROWS", config.maxLogSumExpRows, "rows of a `/v1/logsumexp` matrix"],
    [
      "MAX_TRAJECTORY_POINTS",
      config.maxTrajectoryPoints,
      "points of a `/v1/contrastive` trajectory",
    ],
    ["MAX_MATRIX_WORK", config.maxMatrixWork, "B·B·dim of `/v1/contrastive` embeddings"],
    [
      "MAX_ANALYSIS_WORK",
      config.maxAnalysisWork,
      "units of work the period search of `/v1/spikes` and `/v1/diagnose` may count " +
      "(events × candidates, points × folds)",
    ],
    ["BODY_TIMEOUT_MS", config.bodyTimeoutMs, "milliseconds a request body may take to arrive"],
  ];
  return [
    "## Limits",
    "",
    "Each is set by an environment variable. A request over one gets `413` " +
    "`application/problem+json` with `limit` (the variable), `value` (its setting here) and " +
    "`found` (what the request had). Sizes are checked before any analysis: a `Content-Length` " +
    "over `MAX_BODY_BYTES` is refused before the body is read, array lengths before validation.",
    "",
    "| variable | value | bounds |",
    "| --- | --- | --- |",
    ...rows.map(([name, value, what]) => `| \`${name}\` | ${value} | ${what} |`),
    "",
    `Fixed by the contract: embeddings at most ${MAX_EMBEDDING_ROWS} rows of at most ` +
    `${MAX_EMBEDDING_DIM} numbers; at most ${MAX_MICRO_BATCHES} micro-batches; JSON nested at ` +
    `most ${JSON_LIMITS.depth} levels deep, with at most ${JSON_LIMITS.containers} arrays and ` +
    `objects and ${JSON_LIMITS.keys} keys in one object. The work budget stops the one search ` +
    "whose cost is not linear in its input (the period search of `/v1/spikes` and " +
    "`/v1/diagnose`, counted before each fold): it counts the request, never the clock, so the " +
    "same request gets the same answer on any machine under any load. Everything else is " +
    "linear in the sizes above, whose defaults keep every endpoint's worst case under 2 s on " +
    "one core. Request bodies may be `Content-Encoding: gzip` or `deflate` (other codings: 415).",
    "",
    "## Authentication",
    "",
    "When the service is started with `API_TOKEN`, every `/v1/*` and `/mcp` request needs " +
    "`Authorization: Bearer <token>` (401 problem+json otherwise); `/healthz`, `/docs` and " +
    "`/openapi.*` stay public." +
    (config.apiToken ? " This deployment requires it." : " This deployment does not."),
  ].join("\n");
}

/** What the middleware in front of every `/v1/` operation can answer, whatever the route. */
const MIDDLEWARE_STATUSES: Record<
  string,
  { description: string; headers?: Record<string, unknown> }
> = {
  401: {
    description: "Unauthorized: the service has API_TOKEN and the request has no valid " +
      "`Authorization: Bearer <token>`.",
    headers: {
      "WWW-Authenticate": {
        description: "The bearer challenge (RFC 6750 §3).",
        schema: { type: "string" },
      },
    },
  },
  413: { description: "Request too large: over MAX_BODY_BYTES or another limit (named)." },
  500: { description: "Internal error: a bug, logged with the request's X-Request-Id." },
};

/**
 * The document with the parts that come from the service's settings rather than from one route:
 * the limits ({@linkcode serviceNotes}, appended to `info.description`), the optional bearer
 * auth (a security scheme; operations under `/v1/` require it when `API_TOKEN` is set and accept
 * it otherwise), and the statuses the middleware in front of every `/v1/` operation answers (401,
 * 413, 500) on each of them. Changes `document` and returns it.
 *
 * The committed `openapi.yaml` is the document of the default settings; a running service's
 * `/openapi.json` shows its own.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { withServiceNotes } from "./contract_notes.ts";
 * const document = withServiceNotes({
 *   info: { description: "An API." },
 *   paths: { "/v1/x": { post: { responses: { 200: { description: "ok" } } } } },
 * }, { ...defaultConfig, apiToken: "s3cret" });
 * const post = document.paths["/v1/x"].post as { security: unknown; responses: object };
 * assertEquals(post.security, [{ bearer: [] }]); // required: the deployment has a token
 * assertEquals(Object.keys(post.responses), ["200", "401", "413", "500"]);
 * ```
 */
export function withServiceNotes<D extends { info: { description?: string }; paths?: unknown }>(
  document: D,
  config: Config,
): D {
  const doc = document as D & {
    components?: { securitySchemes?: Record<string, unknown> };
    paths?: Record<string, Record<string, { security?: unknown; responses?: unknown }>>;
  };
  doc.info.description = `${doc.info.description ?? ""}\n\n${serviceNotes(config)}`;
  doc.components = {
    ...doc.components,
    securitySchemes: {
      ...doc.components?.securitySchemes,
      bearer: { type: "http", scheme: "bearer", description: "The service's API_TOKEN." },
    },
  };
  const problem = {
    "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
  };
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith("/v1/")) continue;
    for (const operation of Object.values(operations)) {
      // `{}` in the list makes the scheme optional (OpenAPI 3.1 §4.8.10).
      operation.security = config.apiToken ? [{ bearer: [] }] : [{}, { bearer: [] }];
      const responses = (operation.responses ??= {}) as Record<string, unknown>;
      for (const [status, response] of Object.entries(MIDDLEWARE_STATUSES)) {
        responses[status] ??= { ...response, content: problem };
      }
      operation.responses = Object.fromEntries(
        Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)),
      );
    }
  }
  return doc;
}
