import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';

/** One alert of an Alertmanager webhook notification. */
export interface NotifiedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** What Alertmanager POSTs to a webhook receiver (its webhook format, version 4). */
export interface Notification {
  /** The path it was sent to (which receiver of the config sent it). */
  path: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: NotifiedAlert[];
}

/**
 * A webhook receiver as a pager bridge would be: an HTTP server on loopback that keeps every
 * notification Alertmanager sends it. Waits are event-driven, each with a deadline.
 */
export class WebhookReceiver {
  readonly notifications: Notification[] = [];
  private readonly events = new EventEmitter();

  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Notification, 'path'>;
        this.notifications.push({ ...body, path: req.url ?? '/' });
        this.events.emit('notification');
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('not JSON');
      }
    });
  });
  port = 0;

  private constructor() {}

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const address = receiver.server.address();
    receiver.port = typeof address === 'object' && address ? address.port : 0;
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Every alert received so far, with the notification that carried it. */
  alerts(): { notification: Notification; alert: NotifiedAlert }[] {
    return this.notifications.flatMap((n) => n.alerts.map((alert) => ({ notification: n, alert })));
  }

  /** Resolves with the first received alert matching `predicate` (received before or after the call). */
  waitForAlert(
    predicate: (alert: NotifiedAlert, notification: Notification) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<{ notification: Notification; alert: NotifiedAlert }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.alerts().find(({ alert, notification }) => predicate(alert, notification));
        if (!hit) return false;
        clearTimeout(timer);
        this.events.off('notification', check);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.events.off('notification', check);
        const seen = this.alerts().map(
          ({ alert }) => `${alert.labels.alertname}/${alert.labels.instance}:${alert.status}`,
        );
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; received: ${seen.join(', ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.events.on('notification', check);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
