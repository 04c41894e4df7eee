// Runs one command and measures its wall time and peak resident memory.
//
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`: the largest resident
// set of the process, or of its largest descendant) when it is installed, and
// otherwise from sampling /proc/<pid>/status of the whole process tree every
// 50 ms (Linux), summing the tree.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const GNU_TIME = '/usr/bin/time';
let gnuTime;

function hasGnuTime() {
  if (gnuTime !== undefined) return gnuTime;
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    gnuTime = true;
  } catch {
    gnuTime = false;
  }
  return gnuTime;
}

/** RSS (KiB) of a process and its descendants, from /proc. */
export function treeRssKb(pid) {
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // gone
    }
  }
  return total;
}

/**
 * Runs `command args` in `cwd`; resolves { ms, cpuMs, peakRssKb, code, stdout, stderr }
 * (cpuMs: user + system CPU time, with GNU time only).
 * stdout is kept (the CLI's JSON), stderr only its tail.
 */
export function measure(command, args, { cwd, env, timeoutMs = 30 * 60_000 } = {}) {
  const useTime = hasGnuTime();
  const timeFile = useTime ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-bench-')), 'time.txt') : undefined;
  const argv = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv[1], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => { err = (err + c.toString()).slice(-4000); });
    let sampledPeak = 0;
    const sampler = useTime ? undefined : setInterval(() => { sampledPeak = Math.max(sampledPeak, treeRssKb(child.pid)); }, 50);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); if (sampler) clearInterval(sampler); reject(e); });
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let peakRssKb = sampledPeak;
      let cpuMs = NaN;
      if (timeFile) {
        const text = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, 'utf8') : '';
        // The last line is "%M %U %S"; GNU time puts "Command exited with non-zero status" before it.
        const [rss, user, sys] = text.trim().split('\n').pop().split(' ').map(Number);
        peakRssKb = rss || 0;
        cpuMs = (user + sys) * 1000;
        fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
      }
      resolve({ ms, cpuMs, peakRssKb, code, stdout: Buffer.concat(out).toString(), stderr: err });
    });
  });
}

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}
