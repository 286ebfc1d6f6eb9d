/**
 * The one-paragraph Indonesian summary an agent reads first, and the copy-ready text the user can
 * paste when calling Kring Pajak. Built from the flow state; every piece is masked.
 */
import type { Catalog } from '../catalog/load.js';
import type { FlowState, HandoffTrigger } from '../flow/engine.js';
import { mask } from '../privacy/index.js';

const TRIGGER_TEXT: Record<HandoffTrigger, string> = {
  'user-request': 'Pengguna meminta dihubungkan dengan petugas.',
  'procedure-failed': 'Langkah penyelesaian dari bot sudah dicoba tetapi masalah belum teratasi.',
  fallbacks: 'Bot beberapa kali tidak memahami pertanyaan pengguna.',
  unhelpful: 'Pengguna beberapa kali menyatakan jawaban bot belum menyelesaikan masalah.',
};

export function formatCode(code: string): string {
  const m = code.match(/^etax(service|api)?(\d{5})$/);
  if (!m) return code.toUpperCase();
  return m[1] ? `ETAX${m[1].toUpperCase()}-${m[2]}` : `ETAX-${m[2]}`;
}

/** Titles of the procedures shown ("Reset aplikasi e-Faktur desktop"), deduplicated, in order. */
export function stepsTried(catalog: Catalog, path: string[]): string[] {
  const out: string[] = [];
  for (const p of path) {
    const [intentId, nodeId] = p.split('/');
    const node = catalog.intents.get(intentId ?? '')?.nodes[nodeId ?? ''];
    if (node?.type === 'answer' && !out.includes(node.title)) out.push(node.title);
  }
  return out;
}

export function buildSummary(catalog: Catalog, state: FlowState, trigger: HandoffTrigger, topicIntent?: string): string {
  const topic = topicIntent ? catalog.intents.get(topicIntent)?.title : undefined;
  const parts: string[] = [TRIGGER_TEXT[trigger]];
  if (topic) parts.push(`Topik: ${topic}.`);
  const steps = stepsTried(catalog, state.path);
  parts.push(steps.length ? `Panduan yang sudah diberikan: ${steps.join('; ')}.` : 'Belum ada panduan yang diberikan.');
  if (state.choices.length) parts.push(`Pilihan pengguna: ${state.choices.slice(-6).join('; ')}.`);
  if (state.codes.length) parts.push(`Kode error yang disebut: ${state.codes.map(formatCode).join(', ')}.`);
  if (state.lastQuestion) parts.push(`Pertanyaan terakhir: "${mask(state.lastQuestion).slice(0, 300)}".`);
  return parts.join(' ');
}

/** The text the user can copy and paste when contacting Kring Pajak. */
export function copyReadySummary(catalog: Catalog, state: FlowState, ref: string, topicIntent?: string): string {
  const topic = topicIntent ? catalog.intents.get(topicIntent)?.title : undefined;
  const lines = [`Nomor referensi: ${ref}`];
  if (topic) lines.push(`Topik: ${topic}`);
  if (state.codes.length) lines.push(`Kode error: ${state.codes.map(formatCode).join(', ')}`);
  const steps = stepsTried(catalog, state.path);
  if (steps.length) lines.push(`Sudah dicoba: ${steps.join('; ')}`);
  // One line each: what users wrote may hold line breaks (a pasted heading or code fence).
  const oneLine = (s: string) => mask(s).replace(/\s+/g, ' ').trim().slice(0, 300);
  if (state.lastQuestion) lines.push(`Pertanyaan: ${oneLine(state.lastQuestion)}`);
  // A direct "petugas" request still says something: what the user wrote.
  else if (state.recent?.[0]) lines.push(`Permintaan: ${oneLine(state.recent[0])}`);
  return lines.join('\n');
}
