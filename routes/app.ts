/**
 * Builds the lossdoctor Hono app: middleware, error model, the contract, and every endpoint.
 *
 * Runs on any Fetch-API runtime: nothing here touches `Deno`. `createApp(config)` takes its
 * limits from the caller (see `config.ts`); the default export uses the defaults.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { stringify as toYaml } from "yaml";
import type { Tool } from "./common.ts";
import { type Config, defaultConfig } from "./config.ts";
import { withServiceNotes } from "./contract_notes.ts";
import { registerDocs } from "./docs.ts";
import { authGuard, corsGuard, internalErrorLine } from "./guards.ts";
import { refuseBatch, registerMcp } from "./mcp.ts";
import { problem, validationProblem } from "./problem.ts";
import { bodyReader } from "./request_body.ts";
import * as contrastive from "./contrastive.ts";
import * as diagnose from "./diagnose.ts";
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
  diagnose.register,
];

/** The MCP tools served at `/mcp`: each endpoint module's exported `Tool`. */
export const tools: Tool[] = [
  spikes.tool,
  lastBatch.tool,
  contrastive.contrastive,
  logSumExp.logsumexp,
  diagnose.tool,
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

  app.use("*", corsGuard(config));
  if (config.apiToken) {
    app.use("/v1/*", authGuard(config.apiToken));
    app.use("/mcp", authGuard(config.apiToken));
  }
  app.use("/v1/*", bodyReader(config));
  app.use("/mcp", bodyReader(config, console, refuseBatch));

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
  app.get("/openapi.json", (c) => c.json(document ??= contractOf(app, config)));
  app.get(
    "/openapi.yaml",
    (c) =>
      c.body(toYaml(document ??= contractOf(app, config)), 200, {
        "content-type": "application/yaml",
      }),
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
      if (res.headers.get("content-type")?.startsWith("application/problem+json")) return res;
      return problem(res.status, error.message || res.statusText);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // lib/ signals bad input with these; their messages say what was expected.
      return problem(422, error.message);
    }
    console.error(internalErrorLine(c, error));
    return problem(500, "an internal error occurred; it has been logged");
  });

  return app;
}

type Contract = ReturnType<App["getOpenAPI31Document"]>;

/** The OpenAPI 3.1 document, generated from the route schemas. */
export function contractOf(app: App, config: Config = defaultConfig): Contract {
  return withServiceNotes(
    app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "lossdoctor",
        version: VERSION,
        description:
          "Tells people who train neural networks why their loss curve misbehaves and what to change.",
      },
    }),
    config,
  );
}

/** The YAML text of the OpenAPI document (what `openapi.yaml` holds). */
export function openapiYaml(app: App): string {
  return toYaml(contractOf(app));
}

/** The app with the default limits. */
const app: App = createApp();
export default app;
