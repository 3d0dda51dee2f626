/**
 * wrk, the load generator of `bench/load.ts`: installs it when missing, runs it with a Lua
 * script that POSTs one body file, and reads its summary (requests, duration, p50/p99 latency,
 * socket errors and non-2xx answers) from the `done` callback.
 */

/** Runs a command; its output (stdout and stderr) and whether it succeeded. */
export async function run(command: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const o = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
    return { ok: o.success, out: text };
  } catch {
    return { ok: false, out: `${command} not found` };
  }
}

/** Installs Debian's wrk with apt when it is missing (CI and fresh machines run as root). */
export async function ensureWrk(): Promise<void> {
  if ((await run("wrk", ["--version"])).out.includes("wrk")) return;
  console.log("wrk is missing: trying apt-get install wrk");
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", "wrk"]);
  if (!(await run("wrk", ["--version"])).out.includes("wrk")) {
    console.error("wrk is needed: apt-get install wrk");
    Deno.exit(1);
  }
}

/** What one wrk run measured. */
export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
}

export async function wrk(
  url: string,
  bodyFile: string,
  seconds: number,
  connections: number,
): Promise<WrkResult> {
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  await Deno.writeTextFile(
    script,
    `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("${bodyFile}", "rb")
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
`,
  );
  const { out } = await run("wrk", [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    url,
  ]);
  await Deno.remove(script);
  const line = out.split("\n").find((l) => l.startsWith("RESULT"));
  if (!line) throw new Error(`wrk gave no result:\n${out}`);
  const [requests, duration, p50, p99, connect, read, write, timeout, status] = line.split(" ")
    .slice(1).map(Number);
  return {
    requests,
    seconds: duration / 1e6,
    rps: requests / (duration / 1e6),
    p50_ms: p50 / 1000,
    p99_ms: p99 / 1000,
    errors: connect + read + write + timeout + status,
    non2xx: status,
  };
}
