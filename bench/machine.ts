import { cpus, release, totalmem, type } from 'node:os';

/** One line that says what the numbers were measured on. */
export function describeMachine(): string {
  const c = cpus();
  const model = c[0]?.model.trim() ?? 'unknown CPU';
  return `${c.length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB memory, ${type()} ${release()}, Node ${process.versions.node}`;
}
