/** Fills `{name}` placeholders of a sentence from `_bot.yaml`; unknown placeholders stay as written. */
export function fill(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (values[k] !== undefined ? String(values[k]) : m));
}
