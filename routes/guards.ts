/**
 * The service's gatekeepers, as hono middleware: bearer auth, CORS, and the log line of an
 * internal error.
 *
 * - Auth (`API_TOKEN`): hono's `bearerAuth`, which compares SHA-256 digests of the sent and the
 *   configured token with a constant-time XOR loop (and the tokens themselves the same way), so
 *   the time taken does not tell how much of a guess was right. Every refusal — no header, a
 *   header that is not `Bearer <token>`, a wrong token — is a 401 problem+json with a
 *   `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3).
 * - CORS (`CORS_ORIGINS`): `*`, or a list; an origin not in the list gets no
 *   `Access-Control-Allow-Origin` (the browser then refuses the answer). Preflights are answered
 *   before auth, as browsers send them without credentials.
 * - Body size, encoding, time and disconnects: `request_body.ts`.
 * - Errors: an unexpected error is logged with its name and stack frames but not its message,
 *   since a message may quote the request (`JSON.parse` quotes the text it choked on); no
 *   request body is ever logged.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import type { Config } from "./config.ts";
import { problem } from "./problem.ts";

/** Bearer auth with `config.apiToken`: 401 problem+json on every refusal. */
export function authGuard(token: string): MiddlewareHandler {
  const refuse = (detail: string, challenge: string) => () =>
    problem(401, detail, {}, { "www-authenticate": challenge });
  return bearerAuth({
    token,
    noAuthenticationHeader: {
      message: refuse("send Authorization: Bearer <token>", 'Bearer realm="lossdoctor"'),
    },
    invalidAuthenticationHeader: {
      message: refuse(
        "the Authorization header is not `Bearer <token>`",
        'Bearer realm="lossdoctor", error="invalid_request"',
      ),
    },
    invalidToken: {
      message: refuse(
        "the bearer token is not valid",
        'Bearer realm="lossdoctor", error="invalid_token"',
      ),
    },
  });
}

/** CORS for `config.corsOrigins` (`["*"]` allows any origin). */
export function corsGuard(config: Config): MiddlewareHandler {
  const any = config.corsOrigins.includes("*");
  return cors({
    origin: any ? "*" : (origin) => config.corsOrigins.includes(origin) ? origin : null,
    allowHeaders: ["Content-Type", "Authorization", "Accept", "Mcp-Session-Id", "X-Request-Id"],
    exposeHeaders: ["Mcp-Session-Id", "X-Request-Id"],
    maxAge: 600,
  });
}

/**
 * The log line of an unexpected error: method, path, the request's X-Request-Id (which the 500
 * answer gives the caller), error name and stack frames only.
 */
export function internalErrorLine(c: Context, error: unknown): string {
  return errorLine(`${c.req.method} ${c.req.path} (request ${c.get("requestId") ?? "?"})`, error);
}

/** `where`, the error's name and its stack frames; never its message. */
export function errorLine(where: string, error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line)).join("\n");
  return `${where}: ${name} (message withheld: it may quote the request)\n${frames}`;
}
