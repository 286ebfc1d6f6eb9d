/**
 * Small helpers shared by the bench modules: the repository root, percentiles, rounding, the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Issue 21: at the largest load the bot reaches at least this share of the echo bot's turns/s, on every store. */
export const RATIO_TARGET = 0.8;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const r1 = (x: number) => Math.round(x * 10) / 10;
export const r2 = (x: number) => Math.round(x * 100) / 100;
export const r3 = (x: number) => Math.round(x * 1000) / 1000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  platform: string;
  kernel: string;
  node: string;
  date: string;
  hostname: string;
  /** 1/5/15-minute load averages when the run started (other work on the machine skews the numbers). */
  loadavgAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGb: r1(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    date: new Date().toISOString(),
    hostname: os.hostname(),
    loadavgAtStart: os.loadavg().map(r2),
  };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
