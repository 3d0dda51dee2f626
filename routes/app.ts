/**
 * The lossdoctor Hono app: middleware, the error model, and every endpoint, loaded on first use.
 *
 * Runs on any Fetch-API runtime: nothing here touches `Deno`. Start-up loads hono and this
 * shell only; an endpoint's module (its zod schemas and its part of `lib/`) is imported by its
 * first request, the OpenAPI document's generator and YAML by the first `/openapi.*`, the MCP
 * SDK by the first `/mcp`, the Swagger UI by the first `/docs` asset (`bench/cold_start.ts`
 * measures what this saves; `tests/cold_start_test.ts` holds the start-up graph to it).
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { compress } from "hono/compress";
import { etag } from "hono/etag";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { Endpoint, Tool } from "./common.ts";
import type { Contract } from "./contract.ts";
import { type Config, defaultConfig } from "./config.ts";
import { registerDocs } from "./docs.ts";
import { authGuard, corsGuard, internalErrorLine } from "./guards.ts";
import { refuseBatch, registerMcp } from "./mcp.ts";
import { problem } from "./problem.ts";
import { bodyReader } from "./request_body.ts";

/** The app type every route module registers itself on. */
export type App = Hono;

export type { Endpoint, Tool } from "./common.ts";
export type { Contract } from "./contract.ts";

/** The service version, written into the OpenAPI document and `/healthz`. */
export const VERSION = "1.0.0";

/** A part of the app that registers its own routes (`/docs`, `/mcp`). */
export type Register = (app: App, config: Config) => void;

/** An endpoint as the app knows it before its first request: where it is and how to load it. */
export interface LazyEndpoint {
  /** The route's method. */
  method: "get" | "post";
  /** The route's path. */
  path: string;
  /** Imports the endpoint's module (its schemas, its part of lib/). */
  load: () => Promise<{ endpoint: Endpoint }>;
}

/**
 * Every endpoint, in the order its operations appear in the contract. `method` and `path` are
 * the module's own `route`'s (a test holds them equal), written here so that routing needs no
 * import.
 */
export const ENDPOINTS: readonly LazyEndpoint[] = [
  { method: "post", path: "/v1/spikes", load: () => import("./spikes.ts") },
  { method: "post", path: "/v1/last-batch", load: () => import("./last-batch.ts") },
  { method: "post", path: "/v1/contrastive", load: () => import("./contrastive.ts") },
  { method: "post", path: "/v1/logsumexp", load: () => import("./logsumexp.ts") },
  { method: "post", path: "/v1/diagnose", load: () => import("./diagnose.ts") },
];

/**
 * Every endpoint module, loaded (the document and the MCP tools need them all).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { loadEndpoints } from "./app.ts";
 * const [spikes] = await loadEndpoints();
 * assertEquals(spikes.route.path, "/v1/spikes");
 * ```
 */
export async function loadEndpoints(): Promise<Endpoint[]> {
  return await Promise.all(ENDPOINTS.map(async (e) => (await e.load()).endpoint));
}

/** The MCP tools served at `/mcp`: each endpoint's `tool`, in the contract's order. */
export async function loadTools(): Promise<Tool[]> {
  return (await loadEndpoints()).map((e) => e.tool);
}

/** How the app is built, apart from its settings. */
export interface AppOptions {
  /**
   * Gzip answers for clients that accept it (default true). Off where the host compresses on its
   * own and would compress a gzipped body again: Cloudflare Workers (edge.ts's worker).
   */
  compress?: boolean;
}

/** How long `/openapi.*` may be cached before it is revalidated by its `ETag`. */
const CONTRACT_MAX_AGE_S = 300;

/**
 * Builds the app with the given limits.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createApp } from "./app.ts";
 * import { defaultConfig } from "./config.ts";
 * const app = createApp({ ...defaultConfig, maxSeriesPoints: 10 });
 * const res = await app.request("/healthz");
 * assertEquals(res.status, 200);
 * ```
 */
export function createApp(config: Config = defaultConfig, options: AppOptions = {}): App {
  const app: App = new Hono();

  // Echo the caller's X-Request-Id (when it is a plain token of at most 255 characters) or
  // make one; it is logged with every internal error.
  app.use("*", requestId());
  if (options.compress ?? true) app.use("*", compress());
  app.use("*", problemAnswers(config));
  app.use("*", corsGuard(config));
  if (config.apiToken) {
    app.use("/v1/*", authGuard(config.apiToken));
    app.use("/mcp", authGuard(config.apiToken));
  }
  app.use("/v1/*", bodyReader(config));
  app.use("/mcp", bodyReader(config, console, refuseBatch));

  app.get("/", (c) => c.redirect("/docs", 302));
  app.get("/healthz", (c) => c.json({ status: "ok" as const, version: VERSION }, 200));
  for (const endpoint of ENDPOINTS) app.on(endpoint.method, endpoint.path, lazy(endpoint, config));
  registerDocs(app, config);
  registerMcp(loadTools)(app, config);
  registerContract(app, config);

  app.notFound((c) => {
    const allowed = [
      ...new Set(
        app.routes
          .filter((r) => r.path === c.req.path && r.method !== "ALL")
          .map((r) => r.method),
      ),
    ];
    if (allowed.length > 0) {
      return problem(405, `${c.req.method} is not allowed on ${c.req.path}`, {}, {
        allow: allowed.join(", "),
      });
    }
    return problem(404, `there is no ${c.req.path}`);
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const res = error.getResponse();
      if (res.headers.get("content-type")?.startsWith("application/problem+json")) return res;
      return problem(res.status, error.message || res.statusText);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // lib/ signals bad input with these; their messages say what was expected.
      return problem(422, error.message);
    }
    console.error(internalErrorLine(c, error));
    return problem(
      500,
      `an internal error occurred; it has been logged with request id ${c.get("requestId")}`,
    );
  });

  return app;
}

/**
 * Any error answer that a middleware or library wrote as plain text becomes problem+json. And a
 * request body the answer did not read (a 406 or 415 is decided from the headers) is read to its
 * end when it is within MAX_BODY_BYTES by its Content-Length, so that the connection can carry
 * the next request (workerd's dev proxy fails that request otherwise), for at most
 * BODY_TIMEOUT_MS (a client sending it a byte at a time does not hold the answer); a body over
 * the limit is never read.
 */
function problemAnswers(config: Config): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (c.req.raw.body && !c.req.raw.bodyUsed && declared <= config.maxBodyBytes) {
      await drain(c.req.raw.body, config.bodyTimeoutMs);
    }
    const type = c.res.headers.get("content-type") ?? "";
    if (c.res.status >= 400 && !type.startsWith("application/problem+json")) {
      const text = await c.res.text();
      const headers: Record<string, string> = {};
      c.res.headers.forEach((v, k) => {
        if (k !== "content-type" && k !== "content-length") headers[k] = v;
      });
      c.res = problem(c.res.status, text || `status ${c.res.status}`, {}, headers);
    }
  };
}

/** Reads `body` to its end and drops it, or cancels it once `timeoutMs` has passed. */
async function drain(body: ReadableStream<Uint8Array>, timeoutMs: number): Promise<void> {
  const reader = body.getReader();
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => reader.cancel("BODY_TIMEOUT_MS").catch(() => {}), timeoutMs)
    : undefined;
  try {
    while (!(await reader.read()).done) {
      // dropped
    }
  } catch {
    // the client went away, or the timeout cancelled the read
  } finally {
    clearTimeout(timer);
  }
}

/** The handler of an endpoint whose module is imported by its first request. */
function lazy(endpoint: LazyEndpoint, config: Config): (c: Context) => Promise<Response> {
  let handler: Promise<(c: Context) => Response | Promise<Response>> | undefined;
  return async (c) => {
    handler ??= endpoint.load().then((module) => module.endpoint.handler(config));
    return await (await handler)(c);
  };
}

/** `/openapi.json` and `/openapi.yaml`, generated on the first request, cached, revalidated. */
function registerContract(app: App, config: Config): void {
  let texts: Promise<{ json: string; yaml: string }> | undefined;
  const load = () =>
    texts ??= import("./contract.ts").then(async (contract) => {
      const document = await contract.contractOf(config);
      return { json: JSON.stringify(document), yaml: contract.toYaml(document) };
    });
  const cache = { "cache-control": `public, max-age=${CONTRACT_MAX_AGE_S}` };
  app.use("/openapi.*", etag());
  app.get(
    "/openapi.json",
    async (c) => c.body((await load()).json, 200, { ...cache, "content-type": "application/json" }),
  );
  app.get(
    "/openapi.yaml",
    async (c) => c.body((await load()).yaml, 200, { ...cache, "content-type": "application/yaml" }),
  );
}

/**
 * The OpenAPI 3.1 document for the given settings (loads the generator on first use).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { contractOf } from "./app.ts";
 * const document = await contractOf();
 * assertEquals(document.paths?.["/v1/spikes"]?.post?.operationId, "analyzeSpikes");
 * ```
 */
export async function contractOf(config: Config = defaultConfig): Promise<Contract> {
  return await (await import("./contract.ts")).contractOf(config);
}

/** The YAML text of the OpenAPI document of the default settings (what `openapi.yaml` holds). */
export async function openapiYaml(config: Config = defaultConfig): Promise<string> {
  const contract = await import("./contract.ts");
  return contract.toYaml(await contract.contractOf(config));
}

/** The app with the default limits. */
const app: App = createApp();
export default app;
