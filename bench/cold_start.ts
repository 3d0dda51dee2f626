/**
 * `deno task cold-start`: how long a fresh process takes to answer its first request, against a
 * bare `Deno.serve` on the same machine in the same run (issue 13: at most 100 ms beyond bare).
 *
 * Each trial starts a new `deno run` process on a free port and polls `GET /healthz` every
 * millisecond until the first answer; the time is from the spawn to that answer. The trials of
 * the service and of the bare server alternate, so that both see the same load on a shared
 * machine; the figure is the difference of the medians (default 5 trials each). Also timed, in
 * fresh processes too: importing `routes/app.ts` alone, and the first `/openapi.json`, `/docs`
 * asset and `/mcp` of a started process (what loads on first use).
 *
 * Usage: deno task cold-start [--trials 5] [--out FILE] (writes its section, `## Cold start …`,
 * into FILE, replacing the one there; default bench/RESULTS.md; `--out -` writes none)
 */
import { section } from "./bench.ts";

const REPO = new URL("../", import.meta.url).pathname;
const BUDGET_MS = 100;

/** Seconds since spawn to the first answer of `path` (after `/healthz`, if `path` differs). */
interface Trial {
  healthz: number;
  then?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function freePort(): number {
  const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Polls `url` until it answers (any status), every millisecond; the answer's arrival time. */
async function firstAnswer(url: string, init?: RequestInit, deadline = 30_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < deadline) {
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      return performance.now();
    } catch {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  throw new Error(`no answer from ${url} within ${deadline} ms`);
}

/** One process: spawn, first /healthz, then optionally one more request. */
async function trial(
  script: string,
  next?: { path: string; init?: RequestInit },
): Promise<Trial> {
  const port = freePort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", script],
    cwd: REPO,
    env: { PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const base = `http://127.0.0.1:${port}`;
    const healthz = (await firstAnswer(`${base}/healthz`)) - started;
    if (!next) return { healthz };
    const before = performance.now();
    await firstAnswer(base + next.path, next.init);
    return { healthz, then: performance.now() - before };
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Milliseconds a fresh process takes to import `module` (measured inside it). */
async function importTime(module: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(module)}); ` +
    `console.log(performance.now() - t);`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: REPO,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

const BARE = `Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", ` +
  `onListen() {} }, () => new Response("ok"));\n`;

const MCP_LIST = {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
};

const JSON_POST = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The first requests that load what start-up left out, each in a fresh process. */
const FIRST_USE: { label: string; path: string; init?: RequestInit }[] = [
  {
    label: "POST /v1/spikes (10³ points)",
    path: "/v1/spikes",
    init: JSON_POST({
      loss: Array.from({ length: 1000 }, (_, i) => 2 / Math.sqrt(1 + i) + (i % 97 === 96 ? 1 : 0)),
    }),
  },
  {
    label: "POST /v1/last-batch",
    path: "/v1/last-batch",
    init: JSON_POST({ dataset_size: 5000, batch_size: 32, reduction: "mean" }),
  },
  { label: "GET /openapi.json", path: "/openapi.json" },
  { label: "GET /docs/swagger-ui-bundle.js", path: "/docs/swagger-ui-bundle.js" },
  { label: "POST /mcp tools/list", path: "/mcp", init: MCP_LIST },
];

/** Runs every measurement; returns the Markdown section. */
export async function coldStart(trials: number): Promise<{ markdown: string; beyond: number }> {
  const dir = await Deno.makeTempDir({ prefix: "lossdoctor-cold-" });
  const bareScript = `${dir}/bare.ts`;
  await Deno.writeTextFile(bareScript, BARE);
  const main = `${REPO}main.ts`;
  try {
    // One unmeasured start of each fills Deno's module and transpile caches.
    await trial(bareScript);
    await trial(main);
    const bare: number[] = [], service: number[] = [], imports: number[] = [];
    const later: Record<string, number[]> = Object.fromEntries(
      FIRST_USE.map((f) => [f.label, []]),
    );
    for (let i = 0; i < trials; i++) {
      bare.push((await trial(bareScript)).healthz);
      service.push((await trial(main)).healthz);
      imports.push(await importTime(`${REPO}routes/app.ts`));
      for (const { label, path, init } of FIRST_USE) {
        later[label].push((await trial(main, { path, init })).then!);
      }
    }
    const beyond = median(service) - median(bare);
    const f = (ms: number) => ms.toFixed(0);
    const list = (ms: number[]) => ms.map(f).join(", ");
    const markdown = [
      `## Cold start (${new Date().toISOString().slice(0, 10)}, Deno ${Deno.version.deno}, ` +
      `${trials} trials each, alternating)`,
      "",
      "Spawn of `deno run main.ts` to its first answered `GET /healthz`, against a bare " +
      "`Deno.serve` answering `ok` (ms, median and each trial):",
      "",
      "| process | median | trials |",
      "| --- | --- | --- |",
      `| bare \`Deno.serve\` | ${f(median(bare))} | ${list(bare)} |`,
      `| lossdoctor \`main.ts\` | ${f(median(service))} | ${list(service)} |`,
      `| **beyond bare** | **${f(beyond)}** | target ≤ ${BUDGET_MS} |`,
      `| import of \`routes/app.ts\` alone | ${f(median(imports))} | ${list(imports)} |`,
      "",
      "What loads on first use, after the first `/healthz` of a fresh process (ms):",
      "",
      "| first request | median | trials |",
      "| --- | --- | --- |",
      ...Object.entries(later).map(([label, ms]) =>
        `| ${label} | ${f(median(ms))} | ${list(ms)} |`
      ),
      "",
    ].join("\n");
    return { markdown, beyond };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const args = Deno.args;
  const at = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const { markdown, beyond } = await coldStart(Number(at("--trials") ?? 5));
  console.log(markdown);
  const out = at("--out") ?? new URL("./RESULTS.md", import.meta.url).pathname;
  if (out !== "-") {
    const old = await Deno.readTextFile(out).catch(() => "");
    const previous = section(old, "## Cold start");
    const text = previous
      ? old.replace(previous, markdown + "\n")
      : `${old.trimEnd()}\n\n${markdown}\n`;
    await Deno.writeTextFile(out, text);
    console.log(`written to ${out}`);
  }
  console.log(
    beyond <= BUDGET_MS
      ? "within the target"
      : `over the target by ${(beyond - BUDGET_MS).toFixed(0)} ms`,
  );
}
