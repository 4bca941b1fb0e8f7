/**
 * The C# SDK from tests: build it with Mono's mcs (sdks/csharp/build.sh) into a temporary
 * directory, and run its programs under `mono`, reading their JSON-lines output as it comes.
 *   const bin = await buildCsharpSdk();
 *   const p = startCsharp(bin, 'Arena.Smoke.exe', ['--http', url]);
 *   await p.waitFor((e) => e.event === 'welcome', 'a welcome', 20_000);
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CSHARP_DIR = fileURLToPath(new URL('../../sdks/csharp/', import.meta.url));

export interface CsharpBuild {
  dir: string;
  /** Milliseconds the three mcs compilations took. */
  buildMs: number;
  remove(): void;
}

/** Compiles the SDK, its test runner and the smoke client; throws with mcs's output on failure. */
export function buildCsharpSdk(): CsharpBuild {
  const dir = mkdtempSync(join(tmpdir(), 'arena-csharp-'));
  const started = Date.now();
  const res = spawnSync('bash', [join(CSHARP_DIR, 'build.sh'), dir], { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `C# build failed (exit ${res.status ?? res.signal}; is mono-mcs installed?):\n${res.stdout}${res.stderr}${res.error?.message ?? ''}`,
    );
  }
  return { dir, buildMs: Date.now() - started, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type CsharpEvent = Record<string, unknown> & { event: string };

/** A running C# program whose stdout is JSON lines. */
export class CsharpProcess {
  readonly events: CsharpEvent[] = [];
  private output = '';
  private partial = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.read(chunk));
    child.stderr!.on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) =>
      child.on('close', (code) => {
        this.exitCode = code;
        this.notify();
        resolve(code);
      }),
    );
  }

  /** Everything the process printed so far (for failure messages). */
  get log(): string {
    return this.output + this.partial;
  }

  /** Resolves with the first event (already seen or to come) matching `predicate`. */
  waitFor(predicate: (e: CsharpEvent) => boolean, what: string, timeoutMs: number): Promise<CsharpEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(predicate);
        if (found) {
          finish();
          resolve(found);
          return true;
        }
        if (this.exitCode !== undefined) {
          finish();
          reject(new Error(`C# process exited (${this.exitCode}) before ${what}; output:\n${this.log}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.log}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  private read(chunk: string): void {
    this.output += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        this.events.push(JSON.parse(line) as CsharpEvent);
      } catch {
        // not one of its event lines
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

export function startCsharp(build: CsharpBuild, exe: string, args: string[]): CsharpProcess {
  const child = spawn('mono', ['--debug', join(build.dir, exe), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new CsharpProcess(child);
}
