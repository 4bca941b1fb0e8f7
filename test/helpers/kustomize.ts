import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A Kubernetes object as rendered: only what the tests read is typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** `kubectl kustomize <dir>` (dir relative to the repository): the objects it renders. */
export function kustomize(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`kubectl: ${r.error.message} (Debian: apt-get install kubernetes-client)`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o !== null);
}
