/**
 * A small XML 1.0 well-formedness checker and tree builder for tests (Deno has no DOMParser).
 *
 * It checks what makes a document unreadable by a strict XML parser (an SVG viewer): one root
 * element, properly nested and matching tags, attributes quoted, unique per element and free of
 * `<`, text free of raw `<` and of `&` that does not start one of the five predefined entities or a
 * character reference, no characters outside XML's `Char` production. It does not read DTDs
 * (an SVG needs none). Entities are decoded in the returned tree. Throws SyntaxError with the
 * offset of the first problem.
 */

/** An element of the parsed tree. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = "[A-Za-z_:][-A-Za-z0-9_:.]*";
const ATTRIBUTE = new RegExp(`\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, "y");
const START_TAG = new RegExp(`<(${NAME})`, "y");
const END_TAG = new RegExp(`</(${NAME})\\s*>`, "y");
const FORBIDDEN =
  // deno-lint-ignore no-control-regex -- the characters XML 1.0's Char production forbids.
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([^;&]*);?/g, (match, body: string, offset: number) => {
    if (!match.endsWith(";")) throw new SyntaxError(`a bare & at ${at + offset}`);
    if (body in PREDEFINED) return PREDEFINED[body];
    const code = /^#x[0-9A-Fa-f]+$/.test(body)
      ? parseInt(body.slice(2), 16)
      : /^#[0-9]+$/.test(body)
      ? parseInt(body.slice(1), 10)
      : NaN;
    if (Number.isNaN(code)) throw new SyntaxError(`unknown entity &${body}; at ${at + offset}`);
    return String.fromCodePoint(code);
  });
}

/** Parses `text`, throwing SyntaxError if it is not well-formed XML. */
export function parseXml(text: string): XmlElement {
  const bad = FORBIDDEN.exec(text);
  if (bad) {
    throw new SyntaxError(
      `a character XML forbids (U+${bad[0].charCodeAt(0).toString(16)}) at ${bad.index}`,
    );
  }
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.length > 0) {
      if (stack.length === 0) {
        if (chunk.trim() !== "") throw new SyntaxError(`text outside the root element at ${i}`);
      } else {
        if (chunk.includes("]]>")) throw new SyntaxError(`]]> in text at ${i}`);
        stack[stack.length - 1].children.push(decode(chunk, i));
      }
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) throw new SyntaxError(`unterminated processing instruction at ${i}`);
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0 || text.slice(i + 4, end).includes("--")) {
        throw new SyntaxError(`bad comment at ${i}`);
      }
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i);
      if (end < 0 || stack.length === 0) throw new SyntaxError(`bad CDATA section at ${i}`);
      stack[stack.length - 1].children.push(text.slice(i + 9, end));
      i = end + 3;
    } else if (text.startsWith("</", i)) {
      END_TAG.lastIndex = i;
      const m = END_TAG.exec(text);
      if (!m) throw new SyntaxError(`malformed end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) {
        throw new SyntaxError(`</${m[1]}> at ${i} closes <${open?.name ?? "nothing"}>`);
      }
      i = END_TAG.lastIndex;
    } else {
      START_TAG.lastIndex = i;
      const m = START_TAG.exec(text);
      if (!m) throw new SyntaxError(`malformed tag at ${i}`);
      if (stack.length === 0 && root) throw new SyntaxError(`a second root element at ${i}`);
      const element: XmlElement = { name: m[1], attributes: {}, children: [] };
      i = START_TAG.lastIndex;
      for (;;) {
        ATTRIBUTE.lastIndex = i;
        const a = ATTRIBUTE.exec(text);
        if (!a) break;
        if (a[1] in element.attributes) throw new SyntaxError(`attribute ${a[1]} twice at ${i}`);
        element.attributes[a[1]] = decode(a[2] ?? a[3], i);
        i = ATTRIBUTE.lastIndex;
      }
      const close = /\s*(\/?)>/y;
      close.lastIndex = i;
      const c = close.exec(text);
      if (!c) throw new SyntaxError(`malformed tag <${m[1]}> near ${i}`);
      i = close.lastIndex;
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else root = element;
      if (c[1] !== "/") stack.push(element);
    }
  }
  if (stack.length > 0) throw new SyntaxError(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new SyntaxError("no root element");
  return root;
}

/** Every element of the tree named `name`, in document order. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (e.name === name) found.push(e);
    for (const child of e.children) if (typeof child !== "string") visit(child);
  };
  visit(root);
  return found;
}

/** The concatenated text content of an element. */
export function textOf(e: XmlElement): string {
  return e.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}
