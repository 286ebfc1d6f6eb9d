/**
 * The store as the conversation core sees it: read / write / delete of JSON documents with eTags.
 * Structurally the same as botbuilder's `Storage`, declared here so that tickets, the curation log
 * and answer usage do not depend on the Bot Framework SDK.
 */
export interface StoredDocument {
  eTag?: string;
  [key: string]: unknown;
}

export interface KeyValueStore {
  read(keys: string[]): Promise<Record<string, StoredDocument | undefined>>;
  write(changes: Record<string, StoredDocument>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}
