/**
 * Headless Chromium for tests: find it, run it with a timeout, take screenshots, dump the DOM.
 *
 * Tests that need a browser use `ignore: !chromiumPath`, so they are skipped (not failed) on
 * machines without one; `.ci/run` installs Debian's `chromium` when it is missing. The flags keep
 * the browser from phoning home (no component updates, sync, background networking, QUIC) and
 * give every run a fresh profile directory, removed afterwards.
 */

/** Flags for every run. */
export const HEADLESS_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Flags that cut the browser off from every host but the loopback interface: names resolve to
 * nothing, and any request that is not to a loopback address goes to a proxy that is not there
 * (Chromium sends loopback requests directly, never through a proxy).
 */
export const OFFLINE_FLAGS = [
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
  "--proxy-server=http://127.0.0.1:9",
];

/** The Chromium executable: `$CHROMIUM`, else the first of the usual names on `PATH`. */
export function findChromium(): string | null {
  const fromEnv = Deno.env.get("CHROMIUM");
  if (fromEnv) return fromEnv;
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    for (const name of names) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch {
        // not in this directory
      }
    }
  }
  return null;
}

/** The browser found on this machine, or null (tests then skip). */
export const chromiumPath: string | null = findChromium();

/** Runs Chromium headless with `args` after the standard flags; kills it after `timeoutMs`. */
export async function runChromium(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!chromiumPath) throw new Error("no chromium on this machine");
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  try {
    const output = await new Deno.Command(chromiumPath, {
      args: [...HEADLESS_FLAGS, `--user-data-dir=${profile}`, ...args],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Screenshots `url` into the PNG file `out` and returns its bytes. */
export async function screenshot(
  url: string,
  out: string,
  { width = 1000, height = 600, flags = [] as string[] } = {},
): Promise<Uint8Array> {
  await Deno.remove(out).catch(() => {});
  const result = await runChromium([
    `--screenshot=${out}`,
    `--window-size=${width},${height}`,
    "--hide-scrollbars",
    ...flags,
    url,
  ]);
  try {
    return await Deno.readFile(out);
  } catch {
    throw new Error(`chromium wrote no screenshot (exit ${result.code}):\n${result.stderr}`);
  }
}

/** The DOM of `url` after its scripts ran for up to `budgetMs` of virtual time. */
export async function dumpDom(
  url: string,
  { budgetMs = 5000, flags = [] as string[] } = {},
): Promise<string> {
  const result = await runChromium([
    "--dump-dom",
    `--virtual-time-budget=${budgetMs}`,
    ...flags,
    url,
  ]);
  if (result.code !== 0) throw new Error(`chromium exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}
