/**
 * Replays the reproducers of issue 12 against a real server process: `deno task attack`.
 *
 * Starts `main.ts` on a loopback port, pinned to one core (`taskset -c 0` when it exists), and
 * sends every hostile request of the issue at its full size — MCP batches, the bodies that
 * backtracked, the CSV and JSON that cost seconds to build, the validation that made an issue
 * per element, slowloris connections, slow bodies, clients that drop mid-body, the error body
 * that listed 10⁶ columns, the silent misreads — plus the typical 10⁶-point curve. For each it
 * checks: answered within `--target` ms (default 2000), with the expected status; the process
 * still alive; `/healthz` answered within 1 s after it; the resident memory. At the end, after
 * a rest, the memory must be back within `--slack` MB (default 150) of the baseline taken
 * after warm-up, and the server's log must hold no error and no stack trace (a disconnect is
 * one info line). The baseline is taken after ordinary warm-up traffic (each kind of request,
 * typical 10⁶-point curves as JSON and CSV): V8 keeps the heap an ordinary request grew.
 *
 * The frameworks' own files are attacked too (bench/framework_bodies.ts): 40 MiB of each
 * format's lines (more points than MAX_SERIES_POINTS: the reader must stop there), lines of 1 MiB,
 * 10⁶ backspaces, each reader's slowest line, `log_history` nested, huge or one point over the
 * limit, a `log_file` over the limit in JSON and over MCP, and the largest typical file of each
 * format within the limits.
 *
 * The server runs with HEADER_TIMEOUT_MS = 2000 and BODY_TIMEOUT_MS = 3000 (other limits at
 * their defaults or from the environment), so that the slow-client cases end within seconds.
 * Prints one line per case and exits 1 when any check fails. A bounded slice of these cases,
 * asserting mechanisms rather than durations, runs in `deno task test` (tests/hostile_test.ts).
 */

import { hostileBodies, largestTypical } from "./framework_bodies.ts";

const flag = (name: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const target = Number(flag("target") ?? 2000);
const slackMb = Number(flag("slack") ?? 150);
const only = flag("only");
const HEADER_TIMEOUT_MS = 2000, BODY_TIMEOUT_MS = 3000;
const MIB40 = 40 * 1024 * 1024;

let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

// ---- the server ----

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function hasTaskset(): Promise<boolean> {
  try {
    return (await new Deno.Command("taskset", { args: ["-V"], stdout: "null" }).output()).success;
  } catch {
    return false;
  }
}

const port = freePort();
const base = `http://127.0.0.1:${port}`;
const deno = [Deno.execPath(), "run", "--allow-net", "--allow-env", "--allow-read", "main.ts"];
const pinned = await hasTaskset();
const server = new Deno.Command(pinned ? "taskset" : deno[0], {
  args: pinned ? ["-c", "0", ...deno] : deno.slice(1),
  env: {
    PORT: String(port),
    HOST: "127.0.0.1",
    HEADER_TIMEOUT_MS: String(HEADER_TIMEOUT_MS),
    BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    NO_COLOR: "1",
  },
  stdout: "piped",
  stderr: "piped",
}).spawn();
const log: string[] = [];
for (const stream of [server.stdout, server.stderr]) {
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void log.push(...text.split("\n").filter(Boolean)) }),
  );
}

function alive(): boolean {
  try {
    Deno.statSync(`/proc/${server.pid}`);
    return true;
  } catch {
    return false;
  }
}

async function rssMb(): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${server.pid}/status`);
    return Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function healthz(timeoutMs = 1000): Promise<number> {
  const start = performance.now();
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.ok ? performance.now() - start : Infinity;
  } catch {
    return Infinity;
  }
}

// ---- the requests ----

interface Sent {
  status: number;
  text: string;
  ms: number;
}

async function send(
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const start = performance.now();
  const res = await fetch(base + path, {
    method: "POST",
    body: body as BodyInit,
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - start };
}

const mcpCall = (name: string, args: unknown, id = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
const mcpCallRaw = (name: string, args: string) =>
  `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`;
const trues = (count: number) => "true,".repeat(count - 1) + "true";
const typical = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => 2 * Math.exp(-i / 2e5) + 0.1 * random() + (i % 157 === 156 ? 3 : 0),
  );

/** One reproducer: a name, the request, and what its answer must be. */
interface Case {
  name: string;
  run: () => Promise<Sent>;
  /** Expected status, and text the answer must hold. */
  status: number;
  says?: string;
  /** Longest time allowed (default `target`). */
  within?: number;
}

const cases: Case[] = [
  {
    name: "MCP batch: one call whose x holds 8·10⁶ × true (40 MB)",
    run: () =>
      send("/mcp", `[${mcpCallRaw("logsumexp", `{"format":"fp16","x":[${trues(8e6)}]}`)}]`),
    status: 400,
    says: "found a batch",
  },
  {
    name: "MCP batch: 20 000 small calls (2 MB)",
    run: () =>
      send(
        "/mcp",
        JSON.stringify(Array.from({ length: 20_000 }, (_, i) =>
          JSON.parse(mcpCall("predict_last_batch", {
            dataset_size: 5000,
            batch_size: 32,
            reduction: "mean",
          }, i)))),
      ),
    status: 400,
    says: "found a batch",
  },
  {
    name: "MCP batch: five 10⁶-point series",
    run: () => {
      const loss = JSON.stringify(typical(1_000_000).map((v) => Number(v.toFixed(2))));
      const call = mcpCallRaw("analyze_loss_spikes", `{"loss":${loss}}`);
      return send("/mcp", `[${Array(5).fill(call).join(",")}]`);
    },
    status: 400,
    says: "found a batch",
  },
  {
    name: "MCP batch: 500 000 notifications",
    run: () =>
      send(
        "/mcp",
        `[${Array(500_000).fill('{"jsonrpc":"2.0","method":"notifications/initialized"}')}]`,
      ),
    status: 400,
    says: "found a batch",
  },
  {
    name: "MCP: one call whose x holds 8·10⁶ × true (refused before it is built)",
    run: () => send("/mcp", mcpCallRaw("logsumexp", `{"format":"fp16","x":[${trues(8e6)}]}`)),
    status: 413,
    says: "MAX_SERIES_POINTS",
  },
  {
    name: "MCP: analyze_loss_spikes with steps = 8.3·10⁶ × true",
    run: () =>
      send("/mcp", mcpCallRaw("analyze_loss_spikes", `{"loss":[1,2,3],"steps":[${trues(8.3e6)}]}`)),
    status: 413,
    says: "MAX_SERIES_POINTS",
  },
  {
    name: "MCP: analyze_loss_spikes with steps = 10⁶ × true (-32602 at the first)",
    run: () =>
      send("/mcp", mcpCallRaw("analyze_loss_spikes", `{"loss":[1,2,3],"steps":[${trues(1e6)}]}`)),
    status: 200,
    says: "-32602",
  },
  {
    name: 'Python JSON: NaN" + 65 536 × \\" (128 KB)',
    run: () => send("/v1/spikes", 'NaN"' + '\\"'.repeat(65_536)),
    status: 400,
    says: "expected JSON",
  },
  {
    name: 'Python JSON: NaN" + 2²⁰ × \\" (2 MB)',
    run: () => send("/v1/logsumexp", 'NaN"' + '\\"'.repeat(1 << 20)),
    status: 400,
    says: "expected JSON",
  },
  {
    name: "CSV: header x + 64 000 × ' -' (128 KB)",
    run: () =>
      send("/v1/spikes", "x" + " -".repeat(64_000) + "\n1\n2\n", { "content-type": "text/csv" }),
    status: 200,
  },
  {
    name: "CSV: 40 MiB whose header is a single cell",
    run: () =>
      send("/v1/spikes", "loss\n" + "1\n".repeat(MIB40 / 2 - 4), { "content-type": "text/csv" }),
    status: 413,
    says: "MAX_SERIES_POINTS",
  },
  {
    name: "JSON: 40 MiB of nesting ([ × 20·2²⁰, ] × 20·2²⁰)",
    run: () => send("/v1/spikes", "[".repeat(MIB40 / 2) + "]".repeat(MIB40 / 2)),
    status: 413,
    says: "MAX_JSON_DEPTH",
  },
  {
    name: "JSON: 40 MiB of empty arrays ([[],[],…])",
    run: () => send("/v1/spikes", "[" + "[],".repeat(MIB40 / 3 - 1) + "[]]"),
    status: 413,
    says: "MAX_JSON_CONTAINERS",
  },
  {
    name: "JSON: /v1/logsumexp x as 40 MiB of nesting",
    run: () =>
      send(
        "/v1/logsumexp",
        '{"format":"fp16","x":' + "[".repeat(MIB40 / 2 - 20) + "]".repeat(MIB40 / 2 - 20) + "}",
      ),
    status: 413,
    says: "MAX_JSON_DEPTH",
  },
  {
    name: "JSON: 2·10⁶ keys",
    run: () =>
      send(
        "/v1/spikes",
        "{" + Array.from({ length: 2e6 }, (_, i) => `"k${i}":1`).join(",") + ',"loss":[1,2,3]}',
      ),
    status: 413,
    says: "MAX_JSON_KEYS",
  },
  {
    name: "/v1/logsumexp: x = 10⁶ × true",
    run: () => send("/v1/logsumexp", `{"format":"fp16","x":[${trues(1e6)}]}`),
    status: 422,
    says: "/x/0",
  },
  {
    name: "CSV: 10⁶ columns and an unknown ?column= (the error body ≤ 8 KB)",
    run: async () => {
      const header = Array.from({ length: 1e6 }, (_, i) => `c${i}`).join(",");
      const sent = await send(
        "/v1/spikes?column=nope",
        header + "\n" + "1,".repeat(1e6 - 1) + "1\n",
        {
          "content-type": "text/csv",
        },
      );
      return {
        ...sent,
        status: new TextEncoder().encode(sent.text).length <= 8192 ? sent.status : -1,
      };
    },
    status: 422,
    says: "columns)",
  },
  {
    name: "a typical 10⁶-point curve (200 on one core)",
    run: () =>
      send(
        "/v1/spikes",
        JSON.stringify({ loss: typical(1_000_000), dataset_size: 5000, batch_size: 32 }),
      ),
    status: 200,
    says: "last-batch-spike",
  },
  {
    name: "misread: text/plain 1,5 and 2,5 (decimal commas)",
    run: () => send("/v1/spikes", "1,5\n2,5\n", { "content-type": "text/plain" }),
    status: 422,
    says: "decimal points",
  },
  {
    name: "misread: a CSV without a header",
    run: () =>
      send("/v1/spikes", "1.7e9,0,2.5\n1.7e9,1,2.4\n1.7e9,2,2.3\n", { "content-type": "text/csv" }),
    status: 422,
    says: "first row of numbers",
  },
  {
    name: "misread: ?steps_per_epoch=0x10",
    run: () =>
      send("/v1/spikes?steps_per_epoch=0x10", "2.5\n2.4\n2.3\n", { "content-type": "text/plain" }),
    status: 422,
    says: "steps_per_epoch",
  },
  {
    name: "misread: a gzip body (decoded)",
    run: async () => {
      const body = JSON.stringify({ dataset_size: 5000, batch_size: 32, reduction: "mean" });
      const gzip = await new Response(
        new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer();
      return send("/v1/last-batch", new Uint8Array(gzip), { "content-encoding": "gzip" });
    },
    status: 200,
    says: "last_batch_size",
  },
  {
    name: "misread: a br body (415)",
    run: () => send("/v1/spikes", "[1,2,3]", { "content-encoding": "br" }),
    status: 415,
    says: "Content-Encoding",
  },
  {
    name: "MCP: an unsupported protocol version (400, was 404)",
    run: () =>
      send("/mcp", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }), {
        "mcp-protocol-version": "1999-01-01",
      }),
    status: 400,
    says: "not spoken here",
  },
  {
    name: "MCP: arguments: null (-32602, was -32603 with a dump)",
    run: () => send("/mcp", mcpCallRaw("logsumexp", "null")),
    status: 200,
    says: "-32602",
  },
  {
    name: "MCP: a union-typed argument names the types expected",
    run: () => send("/mcp", mcpCall("logsumexp", { format: "fp16", x: [true] })),
    status: 200,
    says: "expected a number, or one of",
  },
];

// ---- the frameworks' own files ----

const maxPoints = Number(Deno.env.get("MAX_SERIES_POINTS") ?? 1_000_000);
for (
  const c of [...hostileBodies(MIB40 - 4096, maxPoints), ...largestTypical(MIB40 - 4096, maxPoints)]
) {
  cases.push({
    name: c.name,
    run: () => send("/v1/spikes", c.body(), { "content-type": c.type }),
    status: c.status,
    says: c.says,
  });
}
/** nanoGPT lines, about `bytes` of them once in a JSON string (each line end escaped). */
const nanoLines = (bytes: number) => {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    lines.push(`iter ${i}: loss 1.5`);
    size += lines[i].length + 2;
  }
  return lines.join("\n");
};
cases.push(
  {
    name: "log_file in JSON: 40 MiB of nanoGPT lines (stopped at MAX_SERIES_POINTS)",
    run: () => send("/v1/spikes", JSON.stringify({ log_file: nanoLines(MIB40 - 4096) })),
    status: 413,
    says: "MAX_SERIES_POINTS",
  },
  {
    name: "MCP: analyze_loss_spikes with a log_file of 1.5·10⁶ nanoGPT lines",
    run: () => send("/mcp", mcpCall("analyze_loss_spikes", { log_file: nanoLines(30e6) })),
    status: 200,
    says: "MAX_SERIES_POINTS",
  },
);

// ---- the slow and the dropped clients (raw TCP) ----

const encoder = new TextEncoder();

/** 300 connections dribbling a header line every 500 ms: closed by the header timeout? */
async function slowloris(count = 300): Promise<Sent> {
  const start = performance.now();
  const conns = await Promise.all(
    Array.from({ length: count }, () => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  const closedAt: number[] = [];
  const watch = conns.map(async (conn) => {
    await conn.write(encoder.encode("POST /v1/spikes HTTP/1.1\r\nHost: x\r\n"));
    const buffer = new Uint8Array(1024);
    const reading = conn.read(buffer).catch(() => null);
    for (let i = 0; i < 20; i++) {
      const tick = await Promise.race([
        reading.then(() => "closed"),
        new Promise((resolve) => setTimeout(() => resolve("tick"), 500)),
      ]);
      if (tick === "closed") break;
      await conn.write(encoder.encode(`X-Slow-${i}: 1\r\n`)).catch(() => {});
    }
    await reading;
    closedAt.push(performance.now() - start);
    try {
      conn.close();
    } catch { /* closed */ }
  });
  const during = await healthz();
  await Promise.all(watch);
  const last = Math.max(...closedAt);
  return {
    status: during <= 1000 && last <= HEADER_TIMEOUT_MS + 1000 ? 408 : -1,
    text: `healthz during ${during.toFixed(0)} ms; last of ${count} closed after ${
      last.toFixed(0)
    } ms`,
    ms: last - HEADER_TIMEOUT_MS,
  };
}

/** 50 bodies sent a byte a second: answered 408 at BODY_TIMEOUT_MS? */
async function slowBodies(count = 50): Promise<Sent> {
  const start = performance.now();
  let answeredAt = 0;
  const statuses = await Promise.all(Array.from({ length: count }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(
      "POST /v1/spikes HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n",
    ));
    const answer = (async () => {
      const buffer = new Uint8Array(4096);
      const n = await conn.read(buffer).catch(() => null);
      answeredAt = Math.max(answeredAt, performance.now() - start);
      return n ? new TextDecoder().decode(buffer.subarray(0, n)).split(" ")[1] : "closed";
    })();
    let done = false;
    answer.then(() => done = true);
    for (let i = 0; i < 10 && !done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await conn.write(encoder.encode("1")).catch(() => {});
    }
    const status = await answer;
    try {
      conn.close();
    } catch { /* closed */ }
    return status;
  }));
  const all408 = statuses.every((s) => s === "408");
  return {
    status: all408 && answeredAt <= BODY_TIMEOUT_MS + 1000 ? 408 : -1,
    text: `${statuses.filter((s) => s === "408").length} of ${count} answered 408, the last ` +
      `${answeredAt.toFixed(0)} ms after they began`,
    ms: answeredAt - BODY_TIMEOUT_MS,
  };
}

/** 300 clients that send half a body and disconnect: one info line each, no error? */
async function disconnects(count = 300): Promise<Sent> {
  const before = log.length;
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(
      "POST /v1/spikes HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n" +
        "content-length: 100000\r\n\r\n" + '{"loss": [1, 2, 3, ',
    ));
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.close();
  }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const lines = log.slice(before);
  const infos = lines.filter((l) => l.includes("stopped sending the body")).length;
  const bad = lines.filter((l) => /error|^\s+at /i.test(l)).length;
  return {
    status: infos === count && bad === 0 ? 200 : -1,
    text: `${infos} info lines for ${count} clients, ${bad} error or stack lines`,
    ms: performance.now() - start - 550,
  };
}

cases.push(
  {
    name: `300 slowloris connections (HEADER_TIMEOUT_MS = ${HEADER_TIMEOUT_MS})`,
    run: () => slowloris(),
    status: 408,
  },
  {
    name: `50 bodies at a byte a second (BODY_TIMEOUT_MS = ${BODY_TIMEOUT_MS})`,
    run: () => slowBodies(),
    status: 408,
  },
  { name: "300 clients dropping mid-body", run: () => disconnects(), status: 200 },
);

// ---- the run ----

let up = Infinity;
for (let i = 0; i < 200 && up === Infinity; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  up = await healthz();
}
if (up === Infinity) {
  console.error("the server did not start");
  Deno.exit(1);
}
// Warm-up: ordinary traffic — each kind of request, and typical 10⁶-point curves as JSON and
// as a TensorBoard CSV — so that the baseline is the memory of a server that has served it
// (V8 keeps the heap an ordinary large request grew).
const curve = typical(1_000_000);
for (let i = 0; i < 3; i++) await send("/v1/spikes", JSON.stringify({ loss: curve }));
await send(
  "/v1/spikes",
  "Wall time,Step,Value\n" + curve.map((v, i) => `1.7e9,${i},${v}`).join("\n"),
  {
    "content-type": "text/csv",
  },
);
await send("/mcp", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
await send("/v1/logsumexp", '{"x":[1,2,3],"format":"fp16"}');
await new Promise((resolve) => setTimeout(resolve, 1000));
const baseline = await rssMb();
console.log(
  `server pid ${server.pid}${pinned ? " on core 0" : ""}, port ${port}; baseline RSS ` +
    `${baseline.toFixed(0)} MB; target ${target} ms`,
);

let failed = 0;
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const sent = await c.run().catch((error) => ({ status: -2, text: String(error), ms: NaN }));
  const health = await healthz();
  const rss = await rssMb();
  const problems: string[] = [];
  if (sent.status !== c.status) problems.push(`status ${sent.status}, expected ${c.status}`);
  if (c.says && !sent.text.includes(c.says)) problems.push(`no "${c.says}"`);
  if (!(sent.ms <= (c.within ?? target))) problems.push(`${sent.ms.toFixed(0)} ms`);
  if (!alive()) problems.push("the server died");
  if (!(health <= 1000)) problems.push(`/healthz took ${health.toFixed(0)} ms`);
  if (problems.length > 0) failed++;
  console.log(
    `${problems.length ? "FAIL" : "ok  "} ${String(sent.status).padStart(4)} ` +
      `${sent.ms.toFixed(0).padStart(6)} ms  healthz ${health.toFixed(0).padStart(4)} ms  ` +
      `RSS ${rss.toFixed(0).padStart(5)} MB  ${c.name}` +
      (problems.length ? `  — ${problems.join("; ")}: ${sent.text.slice(0, 160)}` : "") +
      (c.status === 408 || c.name.includes("dropping") ? `  (${sent.text})` : ""),
  );
  if (!alive()) break;
}

await new Promise((resolve) => setTimeout(resolve, 5000));
const rest = await rssMb();
const errors = log.filter((l) => /error|^\s+at /i.test(l) && !l.includes("stopped sending"));
const memoryOk = rest <= baseline + slackMb;
console.log(
  `${memoryOk ? "ok  " : "FAIL"} RSS after 5 s of rest: ${rest.toFixed(0)} MB (baseline ` +
    `${baseline.toFixed(0)} MB, slack ${slackMb} MB)`,
);
console.log(
  `${errors.length ? "FAIL" : "ok  "} log: ${errors.length} error or stack lines` +
    (errors.length ? `: ${errors.slice(0, 3).join(" | ")}` : ""),
);
if (!memoryOk || errors.length) failed++;
server.kill("SIGTERM");
await server.status;
console.log(failed ? `${failed} checks failed` : "every check passed");
Deno.exit(failed ? 1 : 0);
