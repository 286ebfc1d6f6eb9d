/**
 * "Add as example to …": what `npm run review -- --accept <cluster> --intent <intent>` and the
 * supervisors' page both do, in one function. The cluster is looked up in the period's figures, its
 * (masked) phrasings are appended to `intents/<intent>.yaml` and the whole catalog is validated again
 * (the file is restored on any problem: src/curation/report.ts acceptCluster), and who did it and when
 * is recorded in the store (`insights/accepted`), which the figures show next to the cluster.
 */
import path from 'node:path';
import type { Catalog } from '../catalog/load.js';
import { acceptCluster } from '../curation/report.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import { isStoreConflict } from '../storage/index.js';
import type { KeyValueStore } from '../storage/key-value.js';
import { findCluster, type AcceptedNote } from './figures.js';
import type { InsightsSource } from './source.js';

export const ACCEPTED_KEY = 'insights/accepted';
/** The accepted log keeps this many of the newest entries. */
const ACCEPTED_KEEP = 1000;

export class AcceptError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown-intent' | 'unknown-cluster' | 'invalid',
  ) {
    super(message);
    this.name = 'AcceptError';
  }
}

export async function readAccepted(store: KeyValueStore): Promise<AcceptedNote[]> {
  const doc = (await store.read([ACCEPTED_KEY]))[ACCEPTED_KEY] as { items?: AcceptedNote[] } | undefined;
  return Array.isArray(doc?.items) ? doc.items : [];
}

async function recordAccepted(store: KeyValueStore, note: AcceptedNote): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = (await store.read([ACCEPTED_KEY]))[ACCEPTED_KEY] as { items?: AcceptedNote[]; eTag?: string } | undefined;
    const items = [...(doc?.items ?? []).filter((a) => a.cluster !== note.cluster), note].slice(-ACCEPTED_KEEP);
    try {
      await store.write({ [ACCEPTED_KEY]: { items, eTag: doc?.eTag ?? `create-only:${Date.now()}:${Math.random()}` } });
      return;
    } catch (err) {
      if (!isStoreConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
    }
  }
  throw new Error('could not record the accepted cluster (the store kept changing)');
}

export interface AcceptRequest {
  source: InsightsSource;
  matcher: IntentClassifier;
  catalog: Pick<Catalog, 'intents'>;
  intentsDir: string;
  cluster: string;
  intent: string;
  /** The period the cluster was seen in (local days). */
  from: string;
  to: string;
  by: string;
  byName?: string;
  now?: Date;
}

export interface AcceptResult {
  /** `intents/<intent>.yaml`, relative to the intents folder's parent. */
  file: string;
  added: string[];
  note: AcceptedNote;
}

export async function acceptSuggestion(req: AcceptRequest): Promise<AcceptResult> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(req.intent) || !req.catalog.intents.has(req.intent))
    throw new AcceptError(`unknown intent "${req.intent}"`, 'unknown-intent');
  const cluster = findCluster(await req.source.days(req.from, req.to), req.matcher, req.cluster);
  if (!cluster) throw new AcceptError(`no cluster "${req.cluster}" from ${req.from} to ${req.to} (run npm run review to list them)`, 'unknown-cluster');
  let result: { file: string; added: string[] };
  try {
    result = acceptCluster(req.intentsDir, cluster, req.intent);
  } catch (err) {
    throw new AcceptError((err as Error).message, 'invalid');
  }
  const note: AcceptedNote = {
    cluster: cluster.id,
    intent: req.intent,
    by: req.by,
    ...(req.byName ? { byName: req.byName } : {}),
    at: (req.now ?? new Date()).toISOString(),
    added: result.added.length,
  };
  await recordAccepted(req.source.store, note);
  return { file: path.join(path.basename(req.intentsDir), path.basename(result.file)), added: result.added, note };
}
