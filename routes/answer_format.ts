import { z } from "./zod.ts";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { jsonResponse } from "./json.ts";
import { problem, validationProblem } from "./problem.ts";

/** The forms of an answer. */
export const ANSWER_FORMATS = ["json", "markdown", "svg"] as const;

/** One form of an answer. */
export type AnswerFormat = typeof ANSWER_FORMATS[number];

/** The media type of each form. */
export const MEDIA_TYPES: Readonly<Record<AnswerFormat, string>> = {
  json: "application/json",
  markdown: "text/markdown",
  svg: "image/svg+xml",
};

/**
 * The `format` query parameter, for route schemas.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FormatQuery } from "./answer_format.ts";
 * assertEquals(FormatQuery.parse(undefined), undefined);
 * assertEquals(FormatQuery.safeParse("pdf").success, false);
 * ```
 */
export const FormatQuery = z.enum(ANSWER_FORMATS).optional().openapi({
  description: "The answer's form, instead of an Accept header: json (default), markdown (the " +
    "summary alone, text/markdown) or svg (the loss plot, image/svg+xml; needs a loss series).",
  example: "markdown",
});

const NONE = "";

/**
 * Content negotiation for analysis answers: the form asked for, JSON (default), the Markdown
 * summary alone, or the loss plot as SVG, chosen by `?format=` or else by the `Accept` header;
 * or the problem answer (406: nothing acceptable; 422: unknown format).
 *
 * Why both: a training script's `curl` wants JSON, a terminal or chat wants `text/markdown`, a
 * person wants the picture; `?format=svg` is there because typing a query is easier than a header
 * (and a browser's address bar cannot send one). `?format=` wins over `Accept`.
 *
 * `Accept` is parsed by hono's `accepts` helper (RFC 9110 §12.5.1 media ranges with q-values);
 * the choice is the supported type of the highest q, ties going to the more specific range, then
 * to the order the client listed them: any type (star/star, curl's default) or no header is JSON, `text/*` is
 * Markdown, `image/*` is SVG, and a header that allows none of the three (e.g. only `image/png`)
 * is a 406 problem listing what is available. Every negotiated answer says `Vary: Accept`, so a
 * cache keeps the forms apart. Errors stay problem+json whatever was asked for.
 *
 * Cost: O(length of the Accept header).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { answerFormat } from "./answer_format.ts";
 * const app = new Hono().get("/", (c) => {
 *   const format = answerFormat(c);
 *   return format instanceof Response ? format : c.text(format);
 * });
 * const ask = async (url: string, accept?: string) => {
 *   const res = await app.request(url, { headers: accept ? { accept } : {} });
 *   return res.status === 200 ? await res.text() : res.status;
 * };
 * assertEquals(await ask("/"), "json");
 * assertEquals(await ask("/", "text/*"), "markdown");
 * assertEquals(await ask("/", "image/svg+xml;q=0.9, application/json;q=0.5"), "svg");
 * assertEquals(await ask("/?format=markdown", "image/*"), "markdown"); // the query wins
 * assertEquals(await ask("/", "image/png"), 406);
 * assertEquals(await ask("/?format=pdf"), 422);
 * ```
 */
export function answerFormat(c: Context): AnswerFormat | Response {
  const query = c.req.query("format");
  if (query !== undefined) {
    if ((ANSWER_FORMATS as readonly string[]).includes(query)) return query as AnswerFormat;
    return validationProblem([{
      path: ["format"],
      message: `expected one of ${ANSWER_FORMATS.join(", ")}, found ${JSON.stringify(query)}`,
    }], "/query");
  }
  const supports = ANSWER_FORMATS.map((f) => MEDIA_TYPES[f]);
  const media = accepts(c, {
    header: "Accept",
    supports,
    default: MEDIA_TYPES.json,
    match: (ranges) => best(ranges, supports) ?? NONE,
  });
  const format = ANSWER_FORMATS.find((f) => MEDIA_TYPES[f] === media);
  if (format) return format;
  return problem(
    406,
    `the Accept header allows none of ${
      supports.join(", ")
    }; or ask with ?format=json|markdown|svg`,
    {},
    { vary: "Accept" },
  );
}

function specificity(type: string): number {
  return type === "*/*" || type === "*" ? 0 : type.endsWith("/*") ? 1 : 2;
}

/**
 * The supported type the client prefers. Each supported type gets the q of the most specific
 * range that matches it (so `text/*;q=0.3, text/markdown;q=0` refuses Markdown, RFC 9110
 * §12.5.1); the highest q > 0 wins, ties going to the more specific range, then to the range
 * the client listed first, then to the order of `supports` (JSON first).
 */
function best(ranges: { type: string; q: number }[], supports: string[]): string | null {
  type Match = { q: number; specificity: number; order: number };
  let chosen: (Match & { type: string }) | null = null;
  for (const type of supports) {
    let match: Match | null = null;
    for (let order = 0; order < ranges.length; order++) {
      const r = ranges[order].type.toLowerCase();
      const matches = r === type || r === "*/*" || r === "*" ||
        (r.endsWith("/*") && type.startsWith(r.slice(0, -1)));
      const s = specificity(r);
      if (matches && (!match || s > match.specificity)) {
        match = { q: ranges[order].q, specificity: s, order };
      }
    }
    if (!match || !(match.q > 0)) continue;
    const better = !chosen || match.q > chosen.q ||
      (match.q === chosen.q &&
        (match.specificity > chosen.specificity ||
          (match.specificity === chosen.specificity && match.order < chosen.order)));
    if (better) chosen = { type, ...match };
  }
  return chosen?.type ?? null;
}

/** How to produce each form; `svg` returns null when the answer has nothing to plot. */
export interface AnswerForms {
  /** The JSON answer. */
  json: () => unknown;
  /** The Markdown summary. */
  markdown: () => string;
  /** The plot, or null when there is nothing to plot. */
  svg: () => string | null;
  /** Why there is no plot, for the 406 problem. */
  noPlot?: string;
}

/**
 * The answer in the form asked for, with `Vary: Accept`; a 406 problem when the SVG is asked for
 * and there is nothing to plot. Each form is computed only when asked for.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatAnswer } from "./answer_format.ts";
 * const forms = { json: () => ({ x: 1 }), markdown: () => "**x** = 1", svg: () => null };
 * const markdown = formatAnswer("markdown", forms);
 * assertEquals(markdown.headers.get("content-type"), "text/markdown; charset=utf-8");
 * assertEquals(await markdown.text(), "**x** = 1");
 * assertEquals(formatAnswer("svg", forms).status, 406);
 * assertEquals(formatAnswer("json", forms).headers.get("vary"), "Accept");
 * ```
 */
export function formatAnswer(format: AnswerFormat, forms: AnswerForms): Response {
  let response: Response;
  if (format === "markdown") {
    response = new Response(forms.markdown(), {
      headers: { "content-type": "text/markdown; charset=utf-8" },
    });
  } else if (format === "svg") {
    const svg = forms.svg();
    if (svg === null) {
      return problem(
        406,
        forms.noPlot ?? "there is nothing to plot; ask for json or markdown",
        {},
        { vary: "Accept" },
      );
    }
    response = new Response(svg, { headers: { "content-type": "image/svg+xml; charset=utf-8" } });
  } else {
    response = jsonResponse(forms.json());
  }
  response.headers.set("vary", "Accept");
  return response;
}

/** The OpenAPI `content` of a 200 answer whose JSON form has the schema `T`. */
export type FormatContent<T> = {
  /** The JSON answer. */
  "application/json": { schema: T };
  /** The Markdown summary alone. */
  "text/markdown": { schema: z.ZodString };
  /** The loss plot. */
  "image/svg+xml": { schema: z.ZodString };
};

/**
 * The OpenAPI `content` of a 200 answer in the three forms, for `createRoute`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatContent } from "./answer_format.ts";
 * import { FindingSchema } from "./common.ts";
 * assertEquals(Object.keys(formatContent(FindingSchema)), [
 *   "application/json", "text/markdown", "image/svg+xml",
 * ]);
 * ```
 */
export function formatContent<T extends z.ZodType>(schema: T): FormatContent<T> {
  return {
    "application/json": { schema },
    "text/markdown": {
      schema: z.string().openapi({ example: "## Loss spikes: …" }),
    },
    "image/svg+xml": {
      schema: z.string().openapi({ description: "A standalone SVG document: the loss plot." }),
    },
  };
}
