import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import type { Config } from "./config.ts";
import { problem } from "./problem.ts";

/**
 * Bearer auth with `token` (`API_TOKEN`), as hono middleware: hono's `bearerAuth`, which compares
 * SHA-256 digests of the sent and the configured token with a constant-time XOR loop (and the
 * tokens themselves the same way), so the time taken does not tell how much of a guess was
 * right. Every refusal — no header, a header that is not `Bearer <token>`, a wrong token — is a
 * 401 problem+json with a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3). (Body size,
 * encoding, time and disconnects are `request_body.ts`'s.)
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { authGuard } from "./guards.ts";
 * const app = new Hono().use("/v1/*", authGuard("s3cret")).post("/v1/x", (c) => c.text("ok"));
 * const refused = await app.request("/v1/x", { method: "POST" });
 * assertEquals(refused.status, 401);
 * assertEquals(refused.headers.get("www-authenticate"), 'Bearer realm="lossdoctor"');
 * assertEquals((await refused.json()).detail, "send Authorization: Bearer <token>");
 * const ok = await app.request("/v1/x", {
 *   method: "POST", headers: { authorization: "Bearer s3cret" },
 * });
 * assertEquals(await ok.text(), "ok");
 * ```
 */
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

/**
 * CORS for `config.corsOrigins` (`CORS_ORIGINS`: `["*"]` allows any origin), as hono middleware:
 * an origin not in the list gets no `Access-Control-Allow-Origin` (the browser then refuses the
 * answer). Preflights are answered before auth, as browsers send them without credentials.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { corsGuard } from "./guards.ts";
 * const config = { ...defaultConfig, corsOrigins: ["https://a.example"] };
 * const app = new Hono().use("*", corsGuard(config)).get("/", (c) => c.text("ok"));
 * const from = async (origin: string) =>
 *   (await app.request("/", { headers: { origin } })).headers.get("access-control-allow-origin");
 * assertEquals(await from("https://a.example"), "https://a.example");
 * assertEquals(await from("https://b.example"), null);
 * ```
 */
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
 * answer gives the caller), error name and stack frames only (see {@linkcode errorLine}).
 */
export function internalErrorLine(c: Context, error: unknown): string {
  return errorLine(`${c.req.method} ${c.req.path} (request ${c.get("requestId") ?? "?"})`, error);
}

/**
 * `where`, the error's name and its stack frames; never its message, since a message may quote
 * the request (`JSON.parse` quotes the text it choked on). No request body is ever logged.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { errorLine } from "./guards.ts";
 * const line = errorLine("POST /v1/spikes", new TypeError("the body's secret text"));
 * assertEquals(
 *   line.split("\n")[0],
 *   "POST /v1/spikes: TypeError (message withheld: it may quote the request)",
 * );
 * assertEquals(line.includes("secret"), false);
 * ```
 */
export function errorLine(where: string, error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line)).join("\n");
  return `${where}: ${name} (message withheld: it may quote the request)\n${frames}`;
}
