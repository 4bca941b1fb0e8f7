/**
 * `npm run season -- list` | `npm run season -- start <id>`: leaderboard seasons. Starting
 * one makes its empty boards current; earlier seasons stay readable.
 */
import { loadConfig } from '../../shared/config/index.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { Seasons } from '../../shared/rankings/seasons.js';
import { connectRankingsRedis, type RedisClient } from '../../shared/redis/connect.js';

const config = loadConfig();
const [command, id] = process.argv.slice(2);
let redis: RedisClient | undefined;
try {
  redis = await connectRankingsRedis(config.redis, { name: 'season-cli' });
  const seasons = new Seasons(redis, rankingKeys(config.redis.keyPrefix));
  if (command === 'start' && id) console.log(`season ${(await seasons.start(id)).id} started`);
  else if (command === 'list')
    console.log(JSON.stringify({ current: await seasons.current(), seasons: await seasons.list() }, null, 2));
  else {
    console.error('usage: npm run season -- list | start <id>');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  redis?.disconnect();
}
