/**
 * Hand-off tickets: what a person needs to continue where the bot stopped. Stored in the bot's
 * configured store (memory, SQLite or Redis) under `tickets/<ref>`, with an index of references
 * for listing. Everything in a ticket is masked before it is written.
 */
import { randomInt } from 'node:crypto';
import type { KeyValueStore } from '../storage/key-value.js';
import { mask, maskDeep } from '../privacy/index.js';

/**
 * open: recorded, the user has the Kring Pajak contacts (no live agent);
 * waiting: in the live-agent queue; assigned: an agent is relaying; closed / failed: finished.
 */
export type TicketStatus = 'open' | 'waiting' | 'assigned' | 'closed' | 'failed';

export interface TranscriptEntry {
  from: 'user' | 'bot' | 'agent';
  text: string;
  at: string;
  /** Agent display name, for agent messages. */
  name?: string;
}

export interface TicketAction {
  at: string;
  action: string;
  agent?: string;
  note?: string;
}

export interface Ticket {
  ref: string;
  createdAt: string;
  updatedAt: string;
  status: TicketStatus;
  channel: string;
  conversationId: string;
  trigger: string;
  /** The topic the user was in when the hand-off started. */
  intent?: string;
  intentTitle?: string;
  /** Procedure nodes visited, oldest first ("intent/node"). */
  path: string[];
  choices: string[];
  codes: string[];
  lastQuestion?: string;
  /** One paragraph, Indonesian, for the agent. */
  summary: string;
  transcript: TranscriptEntry[];
  /** The agent working on it. */
  assignee?: { id: string; name: string };
  history: TicketAction[];
  /** Stored conversation reference, used to reach the user again (live agents). */
  reference?: unknown;
  outcome?: 'solved' | 'unsolved';
  /** When the ticket entered the live-agent queue. */
  waitingSince?: string;
  /** Last message from the user or the agent (the console sorts by it). */
  lastActivityAt?: string;
  /** The thread in the Teams agents' channel that mirrors this conversation. */
  teamsThread?: { conversationId: string; activityId: string };
}

// No 0/O, 1/I/L: references are read out over the phone.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newReference(): string {
  let s = 'KP-';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export const REFERENCE_RE = /^KP-[2-9A-HJKMNP-Z]{6}$/;

const INDEX_KEY = 'tickets/index';
const ticketKey = (ref: string) => `tickets/${ref}`;

export interface TicketPage {
  items: Ticket[];
  total: number;
  page: number;
  pageSize: number;
}

export class TicketStore {
  constructor(private readonly storage: KeyValueStore) {}

  async create(ticket: Omit<Ticket, 'ref' | 'createdAt' | 'updatedAt' | 'history'> & { history?: TicketAction[] }): Promise<Ticket> {
    const now = new Date().toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const ref = newReference();
      const existing = await this.storage.read([ticketKey(ref)]);
      if (existing[ticketKey(ref)]) continue;
      // Only what users wrote is masked: ids (a conversation id is a GUID full of digits) must stay exact.
      const full: Ticket = {
        ...ticket,
        summary: mask(ticket.summary),
        lastQuestion: ticket.lastQuestion === undefined ? undefined : mask(ticket.lastQuestion),
        choices: ticket.choices.map(mask),
        transcript: maskDeep(ticket.transcript),
        ref,
        createdAt: now,
        updatedAt: now,
        history: ticket.history ?? [{ at: now, action: 'created' }],
      };
      await this.storage.write({ [ticketKey(ref)]: { ...full, eTag: '*' } });
      await this.addToIndex(ref);
      return full;
    }
    throw new Error('could not allocate a ticket reference');
  }

  private async addToIndex(ref: string): Promise<void> {
    // Compare-and-set on the index so two instances creating tickets at once both land.
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = await this.storage.read([INDEX_KEY]);
      const idx = (items[INDEX_KEY] ?? { refs: [] }) as { refs?: string[]; eTag?: string };
      const refs = [...(idx.refs ?? []).filter((r) => r !== ref), ref].slice(-5000);
      try {
        await this.storage.write({ [INDEX_KEY]: { refs, eTag: idx.eTag ?? '*' } });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    throw new Error('could not update the ticket index');
  }

  async get(ref: string): Promise<Ticket | undefined> {
    if (!REFERENCE_RE.test(ref)) return undefined;
    const items = await this.storage.read([ticketKey(ref)]);
    const t = items[ticketKey(ref)] as (Ticket & { eTag?: string }) | undefined;
    if (!t) return undefined;
    const { eTag: _e, ...ticket } = t;
    return ticket;
  }

  /** Applies `change` with optimistic concurrency (retries on an eTag conflict). */
  async update(ref: string, change: (t: Ticket) => Ticket | undefined): Promise<Ticket | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = await this.storage.read([ticketKey(ref)]);
      const current = items[ticketKey(ref)] as (Ticket & { eTag?: string }) | undefined;
      if (!current) return undefined;
      const { eTag, ...ticket } = current;
      const next = change(structuredClone<Ticket>(ticket));
      if (!next) return ticket;
      next.updatedAt = new Date().toISOString();
      try {
        await this.storage.write({ [ticketKey(ref)]: { ...next, eTag: eTag ?? '*' } });
        return next;
      } catch {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    throw new Error(`could not update ticket ${ref}`);
  }

  async list(filter: { status?: TicketStatus; page?: number; pageSize?: number } = {}): Promise<TicketPage> {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 20, 1), 100);
    const page = Math.max(filter.page ?? 1, 1);
    const items = await this.storage.read([INDEX_KEY]);
    const refs = [...((items[INDEX_KEY] as { refs?: string[] } | undefined)?.refs ?? [])].reverse();
    const all: Ticket[] = [];
    // Tickets are read in batches; the index is newest first.
    for (let i = 0; i < refs.length; i += 100) {
      const batch = refs.slice(i, i + 100);
      const read = await this.storage.read(batch.map(ticketKey));
      for (const r of batch) {
        const t = read[ticketKey(r)] as (Ticket & { eTag?: string }) | undefined;
        if (!t) continue;
        const { eTag: _e, ...ticket } = t;
        if (!filter.status || ticket.status === filter.status) all.push(ticket);
      }
    }
    all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
  }
}
