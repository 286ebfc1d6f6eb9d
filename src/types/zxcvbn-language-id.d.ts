/** The Indonesian common-words list of @zxcvbn-ts/language-id, imported on its own (src/nlu/common-words.ts). */
declare module '@zxcvbn-ts/language-id/dist/commonWords.json.mjs' {
  const words: string[];
  export default words;
}
