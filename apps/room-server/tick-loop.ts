/**
 * Calls onTick at a fixed rate, correcting for timer drift. When a tick runs late by more
 * than one period the missed ticks are skipped (counted as overruns), not replayed in a burst.
 */
export class TickLoop {
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  overruns = 0;
  ticks = 0;

  constructor(
    private readonly hz: number,
    private readonly onTick: (nowMs: number) => void,
  ) {}

  start(): void {
    const period = 1000 / this.hz;
    this.next = performance.now() + period;
    const run = () => {
      this.ticks++;
      this.onTick(Date.now());
      this.next += period;
      const after = performance.now();
      if (after - this.next > period) {
        this.overruns += Math.floor((after - this.next) / period);
        this.next = after + period;
      }
      this.timer = setTimeout(run, Math.max(0, this.next - after));
    };
    this.timer = setTimeout(run, period);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
