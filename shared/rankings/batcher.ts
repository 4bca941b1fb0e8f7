interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Shares Redis round trips between concurrent callers, per key (a key is what one call can
 * serve: a hash, a board, a hash slot). Items added during one turn of the event loop go out
 * together at its end (setImmediate: no timer, so an idle store adds no latency), as many
 * calls as `maxItems` per call needs; batches do not wait for each other, so Redis works on
 * one while this process computes the next. `maxItems` keeps each Lua script short (Redis
 * runs nothing else meanwhile).
 *
 * `send` answers one result per item, in order; when it fails, every item of that call fails
 * with its error (callers retry as they would a failed command).
 */
export class Batcher<T, R> {
  private readonly waiting = new Map<string, Waiting<T, R>[]>();
  private scheduled = false;

  constructor(
    private readonly send: (key: string, items: T[]) => Promise<R[]>,
    private readonly maxItems: number,
  ) {}

  add(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.waiting.set(key, [{ item, resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.waiting];
    this.waiting.clear();
    for (const [key, queue] of all) {
      for (let i = 0; i < queue.length; i += this.maxItems)
        this.sendBatch(key, queue.slice(i, i + this.maxItems));
    }
  }

  private sendBatch(key: string, batch: Waiting<T, R>[]): void {
    let sent: Promise<R[]>;
    try {
      sent = this.send(
        key,
        batch.map((w) => w.item),
      );
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }
}
