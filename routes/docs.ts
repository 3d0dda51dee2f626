/**
 * `GET /docs`: an interactive API reference (Swagger UI) over `/openapi.json`, whose script and
 * stylesheet the service serves itself, so that the page works on a laptop without internet.
 *
 * The assets come from the `swagger-ui-dist` npm package through text imports
 * (`import(…, { with: { type: "text" } })`): Deno resolves them like any module (no file paths,
 * no `Deno.readFile`, so this file stays runtime-portable), `deno bundle` inlines them into the
 * bundle, and the import is dynamic so that the 1.9 MB of text is only loaded by the first
 * request for an asset, not at start-up (measured: the static form adds ~15 ms and ~5 MB to every
 * cold start). The page sets a Content-Security-Policy allowing only its own origin, so a browser
 * would refuse any CDN or tracker the bundle might try to reach; the validator badge (which calls
 * validator.swagger.io) is turned off.
 *
 * Routes: `/docs` (HTML), `/docs/swagger-ui.css`, `/docs/swagger-ui-bundle.js`, `/docs/init.js`
 * (the initialiser, a file rather than an inline script so the CSP can forbid inline scripts).
 * None of them is part of the OpenAPI contract. The assets are cached for a day and revalidated
 * by version (`ETag`); the app compresses them (1.7 MB of script is about 0.5 MB gzipped).
 *
 * @module
 */
import { etag } from "hono/etag";
import type { App, Register } from "./app.ts";

/** The Swagger UI version the assets come from (the import map pins it). */
const ASSET_TAG = '"swagger-ui-dist@5.35.0"';

/** Loads the package's files once, on first use. */
let assets: Promise<{ css: string; js: string }> | undefined;
function loadAssets(): Promise<{ css: string; js: string }> {
  return assets ??= Promise.all([
    import("swagger-ui-dist/swagger-ui.css", { with: { type: "text" } }),
    import("swagger-ui-dist/swagger-ui-bundle.js", { with: { type: "text" } }),
  ]).then(([css, js]) => ({ css: css.default, js: js.default }));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lossdoctor API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

/** Only this origin; Swagger UI needs inline styles and data: images (its icons). */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; " +
  "frame-ancestors 'none'";

/** How long a browser keeps the package assets before revalidating them by their version. */
const ASSET_MAX_AGE_S = 86_400;

/** A package asset, cacheable for a day, its ETag the package version. */
function asset(body: string, type: string): Response {
  return new Response(body, {
    headers: {
      "content-type": type,
      "cache-control": `public, max-age=${ASSET_MAX_AGE_S}`,
      etag: ASSET_TAG,
      "x-content-type-options": "nosniff",
    },
  });
}

/**
 * Registers `/docs` and its assets. hono's `etag` answers a matching `If-None-Match` with 304:
 * the assets' tag is the package version, the page's and the initialiser's a hash of their text.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { registerDocs } from "./docs.ts";
 * const app = new Hono();
 * registerDocs(app, defaultConfig);
 * const page = await app.request("/docs");
 * assertStringIncludes(page.headers.get("content-security-policy")!, "default-src 'self'");
 * ```
 */
export const registerDocs: Register = (app: App) => {
  app.use("/docs", etag());
  app.use("/docs/*", etag());
  app.get("/docs", (c) =>
    c.html(PAGE, 200, {
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    }));
  app.get("/docs/init.js", (c) =>
    c.body(INIT, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    }));
  app.get(
    "/docs/swagger-ui.css",
    async () => asset((await loadAssets()).css, "text/css; charset=utf-8"),
  );
  app.get(
    "/docs/swagger-ui-bundle.js",
    async () => asset((await loadAssets()).js, "text/javascript; charset=utf-8"),
  );
};
