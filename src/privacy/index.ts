/** Privacy masking for logs, transcripts, hand-off tickets and events. */
export { PLACEHOLDERS, containsSecret, mask, maskDeep, maskSecrets } from './mask.js';
export type { MaskContext, MaskResult, SecretKind } from './mask.js';
