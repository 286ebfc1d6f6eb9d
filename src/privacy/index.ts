/** Privacy masking for logs, transcripts, hand-off tickets and events. */
export { PLACEHOLDERS, containsSecret, mask, maskSecrets } from './mask.js';
export { maskDeep } from './deep.js';
export type { MaskContext, MaskResult, SecretKind } from './mask.js';
