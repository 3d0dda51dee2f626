/**
 * Optional auth, CORS and logging, from outside: with API_TOKEN set, /v1/* and /mcp need the
 * bearer token (every refusal a 401 problem+json with a challenge) while /healthz, /docs and
 * /openapi.* stay public; CORS follows CORS_ORIGINS; an internal error's log line never holds
 * the request body.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";

const TOKEN = "s3cret-Token_42";
const app = createApp({ ...defaultConfig, apiToken: TOKEN });
const spikes = JSON.stringify({ loss: [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1] });
const mcpList = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
  });
}

Deno.test("with API_TOKEN, /v1/* and /mcp without the right bearer token are 401 problems", async () => {
  const refusals: [string, Record<string, string>, string][] = [
    ["no header", {}, "send Authorization"],
    ["basic auth", { authorization: "Basic dTpw" }, "not `Bearer <token>`"],
    ["empty bearer", { authorization: "Bearer " }, "not `Bearer <token>`"],
    ["a bad character", { authorization: "Bearer a b" }, "not `Bearer <token>`"],
    ["a wrong token", { authorization: "Bearer s3cret-Token_43" }, "not valid"],
    ["a prefix of it", { authorization: "Bearer s3cret" }, "not valid"],
    ["it and more", { authorization: `Bearer ${TOKEN}x` }, "not valid"],
  ];
  for (const path of ["/v1/spikes", "/v1/last-batch", "/mcp"]) {
    for (const [name, headers, detail] of refusals) {
      const res = await post(path, path === "/mcp" ? mcpList : spikes, headers);
      assertEquals(res.status, 401, `${path}, ${name}`);
      assertEquals(res.headers.get("content-type"), "application/problem+json");
      assert(res.headers.get("www-authenticate")?.startsWith("Bearer realm="), name);
      const problem = await res.json();
      assertEquals(problem.status, 401);
      assertStringIncludes(problem.detail, detail);
    }
  }
});

Deno.test("with API_TOKEN, the right bearer token is let through (any case of 'Bearer')", async () => {
  for (const scheme of ["Bearer", "bearer"]) {
    const res = await post("/v1/spikes", spikes, { authorization: `${scheme} ${TOKEN}` });
    assertEquals(res.status, 200);
    await res.body?.cancel();
  }
  const mcp = await post("/mcp", mcpList, { authorization: `Bearer ${TOKEN}` });
  assertEquals(mcp.status, 200);
  assertEquals((await mcp.json()).result.tools.length > 0, true);
});

Deno.test("with API_TOKEN, /healthz, /docs and /openapi.* stay public", async () => {
  for (const path of ["/healthz", "/docs", "/openapi.json", "/openapi.yaml"]) {
    const res = await app.request(path);
    assertEquals(res.status, 200, path);
    await res.body?.cancel();
  }
});

Deno.test("without API_TOKEN no token is asked for", async () => {
  const res = await createApp().request("/v1/spikes", { method: "POST", body: spikes });
  assertEquals(res.status, 200);
  await res.body?.cancel();
});

Deno.test("a CORS preflight is answered before auth; origins follow CORS_ORIGINS", async () => {
  const restricted = createApp({
    ...defaultConfig,
    apiToken: TOKEN,
    corsOrigins: ["https://good.example"],
  });
  const preflight = (origin: string) =>
    restricted.request("/v1/spikes", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
  const good = await preflight("https://good.example");
  assertEquals(good.status, 204);
  assertEquals(good.headers.get("access-control-allow-origin"), "https://good.example");
  assertStringIncludes(good.headers.get("access-control-allow-headers") ?? "", "Authorization");
  const bad = await preflight("https://evil.example");
  assertEquals(bad.headers.get("access-control-allow-origin"), null);
  // A refused request still carries the CORS header, so the page can read the 401.
  const refused = await restricted.request("/v1/spikes", {
    method: "POST",
    body: spikes,
    headers: { origin: "https://good.example", "content-type": "application/json" },
  });
  assertEquals(refused.status, 401);
  assertEquals(refused.headers.get("access-control-allow-origin"), "https://good.example");
  // The default allows any origin.
  const open = await createApp().request("/healthz", { headers: { origin: "https://x.example" } });
  assertEquals(open.headers.get("access-control-allow-origin"), "*");
});

Deno.test("an internal error is logged without the request body", async () => {
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
  try {
    const broken = createApp();
    // A handler that fails with the body in its message, as JSON.parse's SyntaxError does.
    broken.post("/v1/broken", async (c) => {
      throw new SyntaxError(`cannot handle ${await c.req.text()}`);
    });
    const secret = "patient-name-Jane-Doe";
    const res = await broken.request("/v1/broken", { method: "POST", body: secret });
    assertEquals(res.status, 500);
    assertEquals(res.headers.get("content-type"), "application/problem+json");
    assert(!(await res.text()).includes(secret));
    assertEquals(logged.length, 1);
    assertMatch(logged[0], /^POST \/v1\/broken \(request [0-9a-f-]{36}\): SyntaxError/);
    assert(!logged[0].includes(secret), logged[0]);
  } finally {
    console.error = original;
  }
});
