import type { ChainableCommander, Cluster, Redis } from 'ioredis';

type Arg = string | number | Buffer;
type Runner = (numKeys: number, ...keysThenArgs: Arg[]) => Promise<unknown>;

/**
 * A Lua script sent to Redis once per connection: ioredis's defineCommand runs it with EVALSHA
 * and sends the body again only when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH),
 * in a pipeline too. `name` must be unique in the process and not a Redis command.
 */
export class LuaScript {
  constructor(
    readonly name: string,
    readonly lua: string,
  ) {}

  run(redis: Redis | Cluster, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    this.defineOn(redis);
    return (redis as unknown as Record<string, Runner>)[this.name]!(keys.length, ...keys, ...args);
  }

  /**
   * Queues the script on a pipeline or transaction. The pipeline must come from a connection the
   * script was defined on (`defineOn` before `redis.pipeline()`).
   */
  queue(pipeline: ChainableCommander, keys: readonly string[], args: readonly Arg[]): void {
    const runner = (pipeline as unknown as Record<string, Runner | undefined>)[this.name];
    if (!runner) throw new Error(`script ${this.name}: call defineOn(redis) before redis.pipeline()`);
    void runner.call(pipeline, keys.length, ...keys, ...args);
  }

  defineOn(redis: Redis | Cluster): void {
    if (!(this.name in redis)) redis.defineCommand(this.name, { lua: this.lua });
  }
}
