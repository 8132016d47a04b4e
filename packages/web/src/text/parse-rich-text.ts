/**
 * A tiny, safe message formatter: `*bold*`, `_italic_`, `` `code` `` and http(s) links become
 * nodes; everything else stays plain text. The result is data that React renders as elements,
 * so nothing a user writes is ever interpreted as HTML.
 */
export type RichNode =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; text: string }
  | { kind: 'bold'; children: RichNode[] }
  | { kind: 'italic'; children: RichNode[] };

/**
 * Bidi embedding, override and isolate controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
 * They can make text display in a different order than it is stored ("Trojan Source"), e.g. to
 * disguise a link target or a file extension, so they are removed before display.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

const CODE = /`([^`\n]+)`/g;
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Delimiters must hug the text (`*a b*`, not `* a *`) and not sit inside a word (`snake_case_name`).
const BOLD = /(^|[^\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gu;
const ITALIC = /(^|[^\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu;

/** Parses message text into formatting nodes. Never throws. */
export function parseRichText(input: string): RichNode[] {
  const text = stripBidiControls(input);
  const out: RichNode[] = [];
  let last = 0;
  for (const m of text.matchAll(CODE)) {
    const index = m.index;
    if (index > last) out.push(...parseLinks(text.slice(last, index)));
    out.push({ kind: 'code', text: m[1] ?? '' });
    last = index + m[0].length;
  }
  if (last < text.length) out.push(...parseLinks(text.slice(last)));
  return out;
}

/** A safe href for a user-written URL, or null when it is not plain http(s). */
export function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

/** Drops punctuation that usually ends a sentence rather than a URL, keeping balanced `)`. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const ch = url.at(-1);
    if (ch === undefined) return url;
    if ('.,;:!?\'"'.includes(ch)) {
      url = url.slice(0, -1);
    } else if (ch === ')' || ch === ']') {
      const open = ch === ')' ? '(' : '[';
      if (count(url, open) < count(url, ch)) url = url.slice(0, -1);
      else return url;
    } else {
      return url;
    }
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

function parseLinks(text: string): RichNode[] {
  const out: RichNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_CANDIDATE)) {
    const raw = trimUrl(m[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (m.index > last) out.push(...parseEmphasis(text.slice(last, m.index), 0));
    out.push({ kind: 'link', href, text: raw });
    last = m.index + raw.length;
  }
  if (last < text.length) out.push(...parseEmphasis(text.slice(last), 0));
  return out;
}

/** Bold and italic, one level of nesting each way (`*bold _and italic_*`). */
function parseEmphasis(text: string, depth: number): RichNode[] {
  if (text === '') return [];
  const bold = firstMatch(BOLD, text);
  const italic = firstMatch(ITALIC, text);
  const m = pickEarliest(bold, italic);
  if (!m || depth > 2) return [{ kind: 'text', text }];
  const { match, kind } = m;
  const lead = match[1] ?? '';
  const inner = match[2] ?? '';
  const start = match.index + lead.length;
  const end = match.index + match[0].length;
  const before = text.slice(0, start);
  const nodes: RichNode[] = [];
  if (before) nodes.push({ kind: 'text', text: before });
  nodes.push({ kind, children: parseEmphasis(inner, depth + 1) });
  nodes.push(...parseEmphasis(text.slice(end), depth));
  return nodes;
}

function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m;
}

function pickEarliest(
  bold: RegExpExecArray | null,
  italic: RegExpExecArray | null,
): { match: RegExpExecArray; kind: 'bold' | 'italic' } | null {
  if (bold && (!italic || bold.index <= italic.index)) return { match: bold, kind: 'bold' };
  if (italic) return { match: italic, kind: 'italic' };
  return null;
}
