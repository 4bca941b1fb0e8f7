export { configSchema } from './schema.js';
export { ConfigError, listVariables, loadConfig, readVariable, type ArenaConfig } from './load.js';
export type { Variable } from './variable.js';
export { KNOWN_WEAK_SECRETS, SECRETS_OF, type ServiceName } from './production-rules.js';
