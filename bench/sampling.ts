/**
 * What the bench reads from /proc while a server is under load: peak RSS, CPU seconds of a process
 * and of the whole machine (so other work on a shared machine shows in the results). Linux only; the
 * functions return undefined elsewhere.
 */
import fs from 'node:fs';
import { r1 } from './common.js';

export interface RssSample {
  /** Largest VmRSS seen while sampling (MB). */
  peakRssMb: number;
  /** VmHWM (the kernel's peak RSS since process start) at the end (MB). */
  hwmMb: number;
  samples: number;
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = s.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat; undefined off Linux. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime = field 14, stime = field 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU seconds of the server process(es) under load, added up; undefined off Linux. */
export function serversCpuSeconds(o: { serverPid?: number; serverPids?: number[] }): number | undefined {
  const pids = [...(o.serverPid ? [o.serverPid] : []), ...(o.serverPids ?? [])];
  if (!pids.length) return undefined;
  let sum = 0;
  for (const pid of pids) {
    const s = procCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}

export function startRssSampler(pid: number, everyMs = 200): { stop(): RssSample } {
  let peak = 0;
  let samples = 0;
  const sample = () => {
    const kb = procStatusKb(pid, 'VmRSS');
    if (kb !== undefined) {
      samples += 1;
      peak = Math.max(peak, kb);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMb: r1(peak / 1024), hwmMb: r1((procStatusKb(pid, 'VmHWM') ?? 0) / 1024), samples };
    },
  };
}

/** What a measured window used: its length, wall-clock bounds, and CPU of this process, the servers and the machine. */
export interface MeasuredWindow {
  windowMs: number;
  windowUs: [number, number];
  /** This process's CPU in the window (µs). */
  clientCpuUs: number;
  /** The servers' CPU in the window (s), when their pids are known. */
  serverCpuS?: number;
  /** CPU of everything else on the machine (s): busy time minus the servers' and this process's. */
  othersCpuS?: number;
}

/** Starts measuring; the function it returns ends the window and gives its figures. */
export function startWindow(o: { serverPid?: number; serverPids?: number[] }): () => MeasuredWindow {
  const cpu0 = process.cpuUsage();
  const srv0 = serversCpuSeconds(o);
  const mach0 = machineCpuSeconds();
  const w0 = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  return () => {
    const windowMs = performance.now() - t0;
    const w1 = Number(process.hrtime.bigint() / 1000n);
    const cpu = process.cpuUsage(cpu0);
    const srv1 = serversCpuSeconds(o);
    const mach1 = machineCpuSeconds();
    const clientCpuUs = cpu.user + cpu.system;
    const w: MeasuredWindow = { windowMs, windowUs: [w0, w1], clientCpuUs };
    if (srv0 !== undefined && srv1 !== undefined) {
      w.serverCpuS = srv1 - srv0;
      if (mach0 && mach1) w.othersCpuS = mach1.busy - mach0.busy - w.serverCpuS - clientCpuUs / 1e6;
    }
    return w;
  };
}
