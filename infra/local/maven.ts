import { spawn } from 'node:child_process';
import { ServiceError } from './service-error.js';

/** Runs Maven in batch mode; on failure the error names the component and shows Maven's output. */
export function runMaven(component: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', ['-B', '-q', '--no-transfer-progress', ...args], { cwd, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) =>
      reject(
        new ServiceError(
          component,
          `cannot run Maven (${err.message}); install it (Debian: apt-get install maven)`,
        ),
      ),
    );
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new ServiceError(component, `Maven failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}
