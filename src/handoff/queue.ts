/**
 * The live-agent queue, as plain functions over tickets: service hours, queue position, the
 * waiting time in words. No in-process state: every instance computes the same from the store.
 */
import { fill } from '../catalog/fill.js';
import type { Ticket } from './tickets.js';

export interface ServiceHours {
  /** "08:00-16:00", local time. */
  hours: string;
  /** ISO weekdays (1 = Monday). */
  days: number[];
  /** Local time = UTC + this many minutes (WIB = 420). */
  tzOffsetMinutes: number;
}

export function withinHours(h: ServiceHours, now = new Date()): boolean {
  const local = new Date(now.getTime() + h.tzOffsetMinutes * 60_000);
  const isoDay = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (!h.days.includes(isoDay)) return false;
  const [from, to] = h.hours.split('-').map((t) => {
    const [hh, mm] = t.split(':').map(Number);
    return hh! * 60 + mm!;
  });
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minutes >= from! && minutes < to!;
}

/** 1-based position among waiting tickets (oldest first), or 0 when not waiting. */
export function queuePosition(waiting: Ticket[], ref: string): number {
  const ordered = waiting.filter((t) => t.status === 'waiting').sort((a, b) => (a.waitingSince ?? a.createdAt).localeCompare(b.waitingSince ?? b.createdAt));
  return ordered.findIndex((t) => t.ref === ref) + 1;
}

/** How long a user has waited, in the words of `_bot.yaml` (`live.duration`): "3 menit", "1 jam 5 menit". */
export function durationText(ms: number, words: DurationWords): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return words.underMinute;
  if (minutes < 60) return fill(words.minutes, { minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? fill(words.hoursMinutes, { hours, minutes: rest }) : fill(words.hours, { hours });
}

export interface DurationWords {
  underMinute: string;
  minutes: string;
  hours: string;
  hoursMinutes: string;
}

/** ISO weekdays as words: a run of days as "Senin–Jumat", others listed ("Senin, Rabu"). */
export function daysText(days: number[], names: string[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const name = (d: number) => names[d - 1] ?? String(d);
  const contiguous = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  return contiguous ? `${name(sorted[0]!)}–${name(sorted.at(-1)!)}` : sorted.map(name).join(', ');
}
