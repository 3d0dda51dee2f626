/** A colour role of the plot. */
export type Role =
  | "background"
  | "text"
  | "muted"
  | "axis"
  | "grid"
  | "line"
  | "spike"
  | "dip"
  | "epoch"
  | "period"
  | "nonFinite";

/** Each role: its light and dark colour and whether it paints fill or stroke. */
const roles: Readonly<
  Record<Role, { light: string; dark: string; property: "fill" | "stroke" }>
> = {
  background: { light: "#ffffff", dark: "#16181d", property: "fill" },
  text: { light: "#1f2328", dark: "#e6edf3", property: "fill" },
  muted: { light: "#57606a", dark: "#9198a1", property: "fill" },
  axis: { light: "#57606a", dark: "#9198a1", property: "stroke" },
  grid: { light: "#d8dee4", dark: "#30363d", property: "stroke" },
  line: { light: "#1f6feb", dark: "#58a6ff", property: "stroke" },
  spike: { light: "#cf222e", dark: "#ff7b72", property: "stroke" },
  dip: { light: "#1a7f37", dark: "#3fb950", property: "stroke" },
  epoch: { light: "#8c959f", dark: "#6e7681", property: "stroke" },
  period: { light: "#8250df", dark: "#bc8cff", property: "stroke" },
  nonFinite: { light: "#bc4c00", dark: "#ffa657", property: "stroke" },
};

/**
 * The light colour of a role (what CSS-less renderers and the tests see).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lightColor } from "./palette.ts";
 * assertEquals(lightColor("spike"), "#cf222e");
 * ```
 */
export function lightColor(role: Role): string {
  return roles[role].light;
}

/**
 * A role's colour as attributes, `class="ld-<role>" fill|stroke="<light colour>"`, to put in an
 * element's attributes; a stroke role also gets `fill="none"` (SVG fills every shape black by
 * default). The plot's colours serve light and dark viewers, as presentation attributes plus a
 * stylesheet ({@linkcode styleSheet}).
 *
 * Why both: every element carries its light colour as an attribute (`fill="#fff"`), which every
 * SVG renderer understands, including those that ignore CSS; the `<style>` then overrides them
 * for `prefers-color-scheme: dark` (Media Queries Level 5), which browsers, GitHub and most editors
 * honour. CSS rules beat presentation attributes (SVG 2 §6.7), so no `!important` is needed.
 * Class names carry an `ld-` prefix so an SVG inlined in an HTML page does not restyle the page.
 *
 * Colours are chosen for a contrast of at least 3:1 against their background (WCAG 2.1, 1.4.11,
 * non-text contrast) and so that spikes (red) and dips (green) also differ in shape, not only
 * in hue, for readers with red-green colour blindness.
 *
 * Cost O(1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { paint } from "./palette.ts";
 * assertEquals(`<rect ${paint("background")}/>`, `<rect class="ld-background" fill="#ffffff"/>`);
 * assertEquals(paint("spike"), `class="ld-spike" stroke="#cf222e" fill="none"`);
 * ```
 */
export function paint(role: Role): string {
  const { light, property } = roles[role];
  return property === "stroke"
    ? `class="ld-${role}" stroke="${light}" fill="none"`
    : `class="ld-${role}" fill="${light}"`;
}

/**
 * The `<style>` element that switches every role to its dark colour in dark viewers
 * (`prefers-color-scheme: dark`).
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { styleSheet } from "./palette.ts";
 * assertStringIncludes(styleSheet(), "@media (prefers-color-scheme: dark){.ld-background{fill:#16181d}");
 * ```
 */
export function styleSheet(): string {
  const rules = Object.entries(roles)
    .map(([role, { dark, property }]) => `.ld-${role}{${property}:${dark}}`)
    .join("");
  return `<style>@media (prefers-color-scheme: dark){${rules}}</style>`;
}
