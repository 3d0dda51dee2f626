/**
 * Builds the lossdoctor Hono app: middleware, error model, the contract, and every endpoint.
 *
 * Runs on any Fetch-API runtime: nothing here touches `Deno`. `createApp(config)` takes its
 * limits from the caller (see `config.ts`); the default export uses the defaults.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { stringify as toYaml } from "yaml";
import type { Tool } from "./common.ts";
import { type Config, defaultConfig } from "./config.ts";
import { registerDocs } from "./docs.ts";
import { registerMcp } from "./mcp.ts";
import { problem, validationProblem } from "./problem.ts";
import * as contrastive from "./contrastive.ts";
import * as lastBatch from "./last-batch.ts";
import * as spikes from "./spikes.ts";
import * as logSumExp from "./logsumexp.ts";

/** The app type every route module registers itself on. */
export type App = OpenAPIHono;

/** The service version, written into the OpenAPI document and `/healthz`. */
export const VERSION = "1.0.0";

/** A route module: registers its endpoint(s) on the app. */
export type Register = (app: App, config: Config) => void;

/** Every endpoint, in the order its operations appear in the contract. */
const endpoints: Register[] = [
  spikes.register,
  lastBatch.register,
  contrastive.register,
  logSumExp.register,
];

/** The MCP tools served at `/mcp`: each endpoint module's exported `Tool`. */
export const tools: Tool[] = [
  spikes.tool,
  lastBatch.tool,
  contrastive.contrastive,
  logSumExp.logsumexp,
];

/** Builds the app with the given limits. */
export function createApp(config: Config = defaultConfig): App {
  const app: App = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) return validationProblem(result.error.issues);
    },
  });

  // Any error answer that a middleware or library wrote as plain text becomes problem+json.
  app.use("*", async (c, next) => {
    await next();
    const type = c.res.headers.get("content-type") ?? "";
    if (c.res.status >= 400 && !type.startsWith("application/problem+json")) {
      const text = await c.res.text();
      const headers: Record<string, string> = {};
      c.res.headers.forEach((v, k) => {
        if (k !== "content-type" && k !== "content-length") headers[k] = v;
      });
      c.res = problem(c.res.status, text || `status ${c.res.status}`, {}, headers);
    }
  });

  app.use(
    "*",
    cors({
      origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
      allowHeaders: ["Content-Type", "Authorization", "Accept", "Mcp-Session-Id"],
      exposeHeaders: ["Mcp-Session-Id"],
    }),
  );

  if (config.apiToken) {
    const auth = bearerAuth({
      token: config.apiToken,
      noAuthenticationHeader: { message: "send Authorization: Bearer <token>" },
      invalidAuthenticationHeader: { message: "the Authorization header is not a bearer token" },
      invalidToken: { message: "the bearer token is not valid" },
    });
    app.use("/v1/*", auth);
    app.use("/mcp", auth);
  }

  const limit = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () =>
      problem(413, `the body is larger than MAX_BODY_BYTES = ${config.maxBodyBytes} bytes`, {
        limit: "MAX_BODY_BYTES",
        value: config.maxBodyBytes,
      }),
  });
  app.use("/v1/*", limit);
  app.use("/mcp", limit);

  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      tags: ["service"],
      summary: "Liveness",
      responses: {
        200: {
          description: "The service is up.",
          content: {
            "application/json": {
              schema: z.object({ status: z.literal("ok"), version: z.string() }),
            },
          },
        },
      },
    }),
    (c) => c.json({ status: "ok" as const, version: VERSION }, 200),
  );

  for (const register of endpoints) register(app, config);
  registerDocs(app, config);
  registerMcp(tools)(app, config);

  let document: Contract | undefined;
  app.get("/openapi.json", (c) => c.json(document ??= contractOf(app)));
  app.get(
    "/openapi.yaml",
    (c) =>
      c.body(toYaml(document ??= contractOf(app)), 200, { "content-type": "application/yaml" }),
  );

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
      return problem(res.status, error.message || res.statusText);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // lib/ signals bad input with these; their messages say what was expected.
      return problem(422, error.message);
    }
    console.error(`${c.req.method} ${c.req.path}: ${(error as Error)?.stack ?? error}`);
    return problem(500, "an internal error occurred; it has been logged");
  });

  return app;
}

type Contract = ReturnType<App["getOpenAPI31Document"]>;

/** The OpenAPI 3.1 document, generated from the route schemas. */
export function contractOf(app: App): Contract {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "lossdoctor",
      version: VERSION,
      description:
        "Tells people who train neural networks why their loss curve misbehaves and what to change.",
    },
  });
}

/** The YAML text of the OpenAPI document (what `openapi.yaml` holds). */
export function openapiYaml(app: App): string {
  return toYaml(contractOf(app));
}

/** The app with the default limits. */
const app: App = createApp();
export default app;
