export { configSchema } from './schema.js';
export { ConfigError, listVariables, loadConfig, readVariable, type ArenaConfig } from './load.js';
export type { Variable } from './variable.js';
