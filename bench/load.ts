/**
 * The load test: `deno task load [--duration 60] [--connections 64] [--points 10000]`.
 *
 * Starts the service (`main.ts`, as `deno task start` does) on a loopback port, drives
 * `POST /v1/spikes` with a 10 000-point JSON body using wrk (Debian's `wrk`, installed by
 * apt when missing and possible) at 64 connections, and reports requests/s, p50/p99 latency,
 * errors (socket errors and non-2xx answers) and the server's resident memory (VmRSS from
 * /proc/<pid>/status): idle after 50 warm-up requests, "before" after a 5 s warm-up load (the
 * heap's steady size with 64 bodies in flight), right after the run, and after 10 s of rest;
 * a leak shows as growth from "before". Then the
 * same load against `bench/parse_server.ts`, a server that only reads and parses the same
 * body with the same parser, and the ratio of the two throughputs (the design asks spikes ≥
 * 0.5× parse-only). The two servers run one after the other, never together; wrk uses one
 * thread, so on a two-core machine the server has a core of its own.
 *
 * Prints a table and, last, one JSON line with every number.
 */

import { ensureWrk, wrk } from "./wrk.ts";

const flags = {
  duration: Number(flag("duration") ?? 60),
  connections: Number(flag("connections") ?? 64),
  points: Number(flag("points") ?? 10_000),
};

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

/** A realistic loss curve: decay, noise and a spike at the last step of each 157-step epoch. */
function body(points: number): string {
  let seed = 42;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const loss = Array.from(
    { length: points },
    (_, i) => 2.3 * Math.exp(-i / 3000) + 0.2 + 0.05 * random() + (i % 157 === 156 ? 0.8 : 0),
  );
  return JSON.stringify({ loss, steps_per_epoch: 157, dataset_size: 5000, batch_size: 32 });
}

/** Resident and peak memory of a process, in MB. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function start(script: string, env: Record<string, string> = {}): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", script],
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    pid: child.pid,
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function measure(script: string, path: string, bodyFile: string, text: string) {
  const server = await start(script);
  try {
    // Warm-up: the JIT, lazy modules and the first allocation of every buffer.
    for (let i = 0; i < 50; i++) {
      const res = await fetch(server.url + path, {
        method: "POST",
        body: text,
        headers: { "content-type": "application/json" },
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
    const idle = await memory(server.pid);
    // A short load first: the heap grows to what 64 bodies in flight need, once. Memory
    // "before" is that steady state; a leak would show as growth from it over the long run.
    await wrk(server.url + path, bodyFile, Math.min(5, flags.duration), flags.connections);
    const before = await memory(server.pid);
    const result = await wrk(server.url + path, bodyFile, flags.duration, flags.connections);
    const after = await memory(server.pid);
    await new Promise((r) => setTimeout(r, 10_000));
    const rested = await memory(server.pid);
    return {
      ...result,
      rss_idle_mb: idle.rss,
      rss_before_mb: before.rss,
      rss_after_mb: after.rss,
      rss_rested_mb: rested.rss,
      rss_peak_mb: rested.peak,
    };
  } finally {
    await server.stop();
  }
}

await ensureWrk();
const text = body(flags.points);
const bodyFile = await Deno.makeTempFile({ suffix: ".json" });
await Deno.writeTextFile(bodyFile, text);
console.log(
  `POST /v1/spikes, ${flags.points} points (${(text.length / 1024).toFixed(0)} KiB JSON), ` +
    `${flags.connections} connections, ${flags.duration} s each, wrk -t1, ` +
    `${navigator.hardwareConcurrency} cores`,
);
const spikes = await measure("main.ts", "/v1/spikes", bodyFile, text);
const parseOnly = await measure("bench/parse_server.ts", "/", bodyFile, text);
await Deno.remove(bodyFile);

const mb = (v: number, width: number) => v.toFixed(0).padStart(width);
const row = (name: string, r: typeof spikes) =>
  `${name.padEnd(12)} ${mb(r.rps, 7)} ${r.p50_ms.toFixed(1).padStart(7)} ` +
  `${r.p99_ms.toFixed(1).padStart(7)} ${String(r.errors).padStart(6)}   ` +
  `${mb(r.rss_idle_mb, 5)} ${mb(r.rss_before_mb, 7)} ${mb(r.rss_after_mb, 6)} ` +
  `${mb(r.rss_rested_mb, 7)} ${mb(r.rss_peak_mb, 5)}`;
console.log(
  "route          req/s  p50 ms  p99 ms errors   RSS MB: idle  before  after  rested  peak",
);
console.log(row("/v1/spikes", spikes));
console.log(row("parse-only", parseOnly));
const ratio = spikes.rps / parseOnly.rps;
console.log(
  `spikes / parse-only = ${ratio.toFixed(2)} (target ≥ 0.5); ` +
    `spikes RSS after / before = ${(spikes.rss_after_mb / spikes.rss_before_mb).toFixed(2)}, ` +
    `rested / before = ${(spikes.rss_rested_mb / spikes.rss_before_mb).toFixed(2)}`,
);
console.log(JSON.stringify({ flags, spikes, parse_only: parseOnly, ratio }));
if (spikes.errors > 0 || parseOnly.errors > 0) Deno.exit(1);
