/**
 * Shared by the tests of the deployed forms (worker_test.ts, node_test.ts): a free port, waiting
 * for a server to answer, and sending every request of contract_requests.ts (the default
 * settings' ones) plus `/mcp`, `/docs` and its assets, to compare each answer with the one the
 * app gives in process.
 */
import { assert } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { configFromEnv } from "../routes/config.ts";
import { type ContractRequest, contractRequests } from "./contract_requests.ts";

/** A TCP port nothing listens on now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Waits until `url` answers (any status), or fails after `seconds` saying what the log says. */
export async function waitFor(url: string, seconds: number, log: () => string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      await (await fetch(url)).body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${seconds} s:\n${log()}`);
}

/** Equal JSON, numbers within 1e-9 relative (another V8's libm may differ in the last bits). */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) =>
    k === kb[i] &&
    sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

const MCP = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

/** The requests a deployed form must answer as the app does in process. */
export async function deployedRequests(): Promise<ContractRequest[]> {
  const requests = (await contractRequests()).filter((r) => r.settings === "default");
  const get = (name: string, path: string) => ({
    name,
    method: "GET" as const,
    path,
    settings: "default" as const,
    status: 200,
  });
  return [
    ...requests,
    get("the docs page", "/docs"),
    get("the Swagger UI script", "/docs/swagger-ui-bundle.js"),
    get("the Swagger UI styles", "/docs/swagger-ui.css"),
    get("the contract as JSON", "/openapi.json"),
    get("the contract as YAML", "/openapi.yaml"),
    {
      name: "MCP tools/list",
      method: "POST" as const,
      path: "/mcp",
      headers: MCP,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      settings: "default" as const,
      status: 200,
    },
    {
      name: "MCP tools/call",
      method: "POST" as const,
      path: "/mcp",
      headers: MCP,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: {
          name: "predict_last_batch",
          arguments: { dataset_size: 5000, batch_size: 32, reduction: "sum" },
        },
      }),
      settings: "default" as const,
      status: 200,
    },
  ];
}

/**
 * Sends every request to `base`; the differences from the answers of the app in process with
 * the same settings (`env`, as the deployed form was given them).
 */
export async function compareWithInProcess(
  base: string,
  env: Record<string, string> = {},
): Promise<string[]> {
  const app = createApp(configFromEnv((name) => env[name]));
  const differences: string[] = [];
  const requests = await deployedRequests();
  for (const r of requests) {
    const init = { method: r.method, headers: r.headers, body: r.body };
    const [remote, local] = [await fetch(base + r.path, init), await app.request(r.path, init)];
    const [rt, lt] = [await remote.text(), await local.text()];
    const type = (res: Response) => (res.headers.get("content-type") ?? "").split(";")[0];
    const where = `${r.name} (${r.method} ${r.path})`;
    if (remote.status !== r.status || local.status !== r.status) {
      differences.push(
        `${where}: ${remote.status} deployed, ${local.status} in process, ` +
          `${r.status} expected: ${rt.slice(0, 200)}`,
      );
    } else if (type(remote) !== type(local)) {
      differences.push(`${where}: ${type(remote)} deployed, ${type(local)} in process`);
    } else if (
      type(local).endsWith("json") ? !sameJson(JSON.parse(rt), JSON.parse(lt)) : rt !== lt
    ) {
      differences.push(`${where}: the bodies differ: ${rt.slice(0, 200)}`);
    }
  }
  assert(requests.length > 60);
  return differences;
}

/** A spawned server's stdout and stderr gathered as they come: `log()` so far, `drained` at the end. */
export function collectLog(
  child: Deno.ChildProcess,
): { log: () => string; drained: Promise<void> } {
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]).then(() => {});
  return { log: () => log, drained };
}
