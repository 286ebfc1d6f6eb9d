/**
 * DOM helpers of both pages. Everything from users, tickets, answers or figures goes onto the page as
 * text (textContent), never as markup: nothing a user typed can become HTML or script here.
 */

/** The element with this id, checked to be of the expected kind (a page that lacks it is a bug: it throws). */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const e = document.getElementById(id);
  if (!e || !(e instanceof (kind ?? HTMLElement))) throw new Error(`the page has no ${kind?.name ?? 'element'} #${id}`);
  return e as T;
}

/** Creates an element with a class and, optionally, text (set with textContent). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string | null, text?: string | number | null): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** Fills `{name}` placeholders of a words-file template; unknown ones stay as they are. */
export function fill(template: string, values: Record<string, string | number | undefined> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (values[k] !== undefined ? String(values[k]) : m));
}

/**
 * The page's fixed labels from its words: `data-w="key"` sets the element's text, `data-w-label` its
 * aria-label and `data-w-placeholder` its placeholder. In a text, `[[Enter]]` is shown as a key to
 * press (a <kbd> element, built as DOM, never parsed as markup).
 */
export function applyWords(words: Readonly<Record<string, unknown>>): void {
  const word = (key: string | null): string | undefined => {
    const w = key ? words[key] : undefined;
    return typeof w === 'string' ? w : undefined;
  };
  for (const e of document.querySelectorAll<HTMLElement>('[data-w]')) {
    const text = word(e.getAttribute('data-w'));
    if (text === undefined) continue;
    e.replaceChildren(...text.split(/\[\[(.+?)\]\]/).map((part, i) => (i % 2 ? el('kbd', null, part) : document.createTextNode(part))));
  }
  for (const e of document.querySelectorAll<HTMLElement>('[data-w-label]')) {
    const text = word(e.getAttribute('data-w-label'));
    if (text !== undefined) e.setAttribute('aria-label', text);
  }
  for (const e of document.querySelectorAll<HTMLInputElement>('[data-w-placeholder]')) {
    const text = word(e.getAttribute('data-w-placeholder'));
    if (text !== undefined) e.placeholder = text;
  }
}

/**
 * The bot's Markdown as the user's client showed it, for the inline marks its answers use: **bold**
 * and `code` become <strong> and <code> (built as DOM; anything else stays text as written).
 */
export function inlineMarkdown(text: string): Node[] {
  return text.split(/(\*\*[^*\n]+\*\*|`[^`\n]+`)/).map((part) => {
    if (part.length > 4 && part.startsWith('**') && part.endsWith('**')) return el('strong', null, part.slice(2, -2));
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) return el('code', null, part.slice(1, -1));
    return document.createTextNode(part);
  });
}
