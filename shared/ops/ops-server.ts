import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import { checkReadiness, type DependencyCheck } from './readiness.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** What /readyz probes. */
  dependencies: readonly DependencyCheck[];
  log: Logger;
}

/**
 * Every service's ops listener, apart from its traffic:
 * - GET /metrics: Prometheus text format;
 * - GET /healthz: 200 while the process runs (liveness);
 * - GET /readyz: 200 when every essential dependency answers, 503 otherwise or while the
 *   service drains for shutdown; the JSON body says which dependency failed and why.
 */
export class OpsServer {
  private readonly server: Server;
  private draining = false;

  private constructor(private readonly o: OpsServerOptions) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end('method not allowed\n');
        return;
      }
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        void this.readyz().then(({ status, body }) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(body),
        );
      } else if (path === '/metrics') {
        o.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': o.registry.contentType }).end(text),
          (err: unknown) => {
            o.log.error({ err }, 'collecting metrics failed');
            res.writeHead(500).end('metrics unavailable\n');
          },
        );
      } else {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('not found: try /metrics, /healthz, /readyz\n');
      }
    });
  }

  static async start(o: OpsServerOptions): Promise<{ server: OpsServer; port: number }> {
    const ops = new OpsServer(o);
    await new Promise<void>((resolve, reject) => {
      ops.server.once('error', reject);
      ops.server.listen(o.port, o.host, () => resolve());
    });
    const address = ops.server.address();
    return { server: ops, port: typeof address === 'object' && address ? address.port : o.port };
  }

  /** From now on /readyz answers 503 so that load balancers and orchestrators move on. */
  drain(): void {
    this.draining = true;
  }

  /** Stops listening (a service started in-process and stopped lets its process exit). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async readyz(): Promise<{ status: number; body: string }> {
    if (this.draining) return { status: 503, body: JSON.stringify({ ready: false, draining: true }) };
    const readiness = await checkReadiness(this.o.dependencies);
    return { status: readiness.ready ? 200 : 503, body: JSON.stringify(readiness) };
  }
}
