/**
 * The pages' words: their sections of intents/_pages.yaml, put into the bundle by the bundler's
 * plugin (src/web/console/ui-bundle.ts), typed by the file's schema so that a word the code reads but
 * the schema lacks fails `npm run typecheck`.
 */
declare module 'content:console/agent' {
  const words: Readonly<import('../src/catalog/page-words.js').AgentWords>;
  export default words;
}

declare module 'content:console/insights' {
  const words: Readonly<import('../src/catalog/page-words.js').InsightsWords>;
  export default words;
}
