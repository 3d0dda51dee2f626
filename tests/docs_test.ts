/**
 * GET /docs: the page and its assets come from the service itself, and the page renders every
 * operation of the contract in a browser that cannot reach anything but the loopback interface.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import app from "../routes/app.ts";
import { chromiumPath, OFFLINE_FLAGS, runChromium } from "./chromium.ts";

/** Every `src`/`href` URL in an HTML page. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
}

Deno.test("/docs is an HTML page whose assets are all same-origin", async () => {
  const res = await app.request("/docs");
  assertEquals(res.status, 200);
  assertMatch(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert(!/https?:\/\//.test(html), "the page names an absolute http(s) URL");
  const urls = referencedUrls(html);
  assert(urls.length >= 3, `only ${urls}`);
  for (const url of urls) {
    assert(url === "data:," || (url.startsWith("/") && !url.startsWith("//")), `${url}`);
  }
  // The browser itself is told to load nothing from elsewhere.
  const csp = res.headers.get("content-security-policy") ?? "";
  assertStringIncludes(csp, "default-src 'self'");
  assertStringIncludes(csp, "script-src 'self';");
  assertStringIncludes(csp, "connect-src 'self'");
});

Deno.test("the assets are served with their content types, and the UI's code is really there", async () => {
  const html = await (await app.request("/docs")).text();
  const types: Record<string, RegExp> = {
    "/docs/swagger-ui.css": /^text\/css/,
    "/docs/swagger-ui-bundle.js": /^text\/javascript/,
    "/docs/init.js": /^text\/javascript/,
  };
  assertEquals(
    referencedUrls(html).filter((u) => u !== "data:,").sort(),
    Object.keys(types).sort(),
  );
  for (const [path, type] of Object.entries(types)) {
    const res = await app.request(path);
    assertEquals(res.status, 200, path);
    assertMatch(res.headers.get("content-type") ?? "", type);
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    const body = await res.text();
    if (path.endsWith("bundle.js")) {
      assert(body.length > 1_000_000, "the bundle is the full Swagger UI");
      assertStringIncludes(body, "SwaggerUIBundle");
    }
    if (path.endsWith(".css")) assertStringIncludes(body, ".swagger-ui");
    if (path.endsWith("init.js")) {
      assertStringIncludes(body, '"/openapi.json"');
      assertStringIncludes(body, "validatorUrl: null"); // no call to validator.swagger.io
    }
  }
  const spec = await app.request("/openapi.json");
  assertEquals(spec.status, 200);
});

Deno.test("the package assets revalidate by version: a matching If-None-Match is a 304", async () => {
  const first = await app.request("/docs/swagger-ui.css");
  const etag = first.headers.get("etag");
  assertMatch(etag ?? "", /^"swagger-ui-dist@\d+\.\d+\.\d+"$/);
  await first.body?.cancel();
  const again = await app.request("/docs/swagger-ui.css", { headers: { "if-none-match": etag! } });
  assertEquals(again.status, 304);
  assertEquals(await again.text(), "");
});

Deno.test({
  name: "/docs lists every operation in headless Chromium with the network cut off",
  ignore: !chromiumPath,
  fn: async () => {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    try {
      const { code, stdout: dom, stderr } = await runChromium([
        ...OFFLINE_FLAGS,
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        "--virtual-time-budget=5000",
        `http://127.0.0.1:${server.addr.port}/docs`,
      ]);
      assertEquals(code, 0, stderr);
      const paths = Object.keys((await (await app.request("/openapi.json")).json()).paths);
      assert(paths.includes("/healthz"));
      for (const path of paths) assertStringIncludes(dom, `data-path="${path}"`);
      assertStringIncludes(dom, "lossdoctor");
      assert(!stderr.includes("Content Security Policy"), "a CSP violation was logged");
    } finally {
      await server.shutdown();
    }
  },
});
