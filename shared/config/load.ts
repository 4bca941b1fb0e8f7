import { InvalidValue, type Variable } from './variable.js';
import { applyProductionRules, type ServiceName } from './production-rules.js';
import { configSchema } from './schema.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The typed value of a schema tree: each Variable<T> becomes T. */
export type ConfigOf<S> = { readonly [K in keyof S]: S[K] extends Variable<infer T> ? T : ConfigOf<S[K]> };
export type ArenaConfig = ConfigOf<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function isVariable(node: unknown): node is Variable<unknown> {
  return typeof node === 'object' && node !== null && 'parse' in node && 'name' in node;
}

/** Reads one variable: the environment's value, else its default. Throws ConfigError naming it. */
export function readVariable<T>(variable: Variable<T>, env: Env = process.env): T {
  const problems: string[] = [];
  const value = readInto(variable, env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return value as T;
}

function readInto<T>(variable: Variable<T>, env: Env, problems: string[]): T | undefined {
  const raw = env[variable.name] ?? variable.defaultRaw;
  if (raw === undefined) {
    problems.push(`${variable.name} is required: ${variable.doc}`);
    return undefined;
  }
  try {
    return variable.parse(raw);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    problems.push(`${variable.name} ${err.message}`);
    return undefined;
  }
}

function walk(node: object, env: Env, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    out[key] = isVariable(child) ? readInto(child, env, problems) : walk(child as object, env, problems);
  }
  return out;
}

/**
 * Loads and validates the whole configuration from the environment. Reports every bad
 * variable at once, by name, rather than stopping at the first. With ARENA_ENV=production,
 * the secrets `service` uses must be strong (production-rules.ts).
 */
export function loadConfig(env: Env = process.env, service: ServiceName = 'cli'): ArenaConfig {
  const problems: string[] = [];
  const config = walk(configSchema, env, problems) as unknown as ArenaConfig;
  if (problems.length > 0) throw new ConfigError(problems);
  if (config.deployment.env === 'production') {
    // The typed config is read-only for its users; this is where it is still being built.
    problems.push(
      ...applyProductionRules(config as unknown as Parameters<typeof applyProductionRules>[0], env, service),
    );
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}

/** Every variable in the schema, in declaration order. */
export function listVariables(node: object = configSchema): Variable<unknown>[] {
  return Object.values(node).flatMap((child) =>
    isVariable(child) ? [child] : listVariables(child as object),
  );
}
