/**
 * What ARENA_ENV=production adds to the checks of each variable: secrets that are a shipped
 * default or placeholder (README, compose, k8s) or too plain to be random stop the service at
 * start, naming the variable; and guest login is off unless AUTH_GUEST_ENABLED says otherwise.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Every secret value Arena ships as a default or placeholder, in any file. */
export const KNOWN_WEAK_SECRETS: readonly string[] = [
  'arena-local-development-secret-change-me', // AUTH_SECRET default (README)
  'arena-local-development-link-secret-change-me', // LINK_SECRET default
  'compose-development-secret-change-me-please', // infra/docker-compose.yml
  'compose-development-link-secret-change-me-please',
  'replace-me-with-32-or-more-random-characters', // infra/k8s/config.yaml
  'replace-me-with-32-or-more-random-characters-too',
];

/** Words no generated secret contains: someone typed or pasted a placeholder. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|secret|password|changeit/i;
/** A random 32-character secret (hex, base64) has far more distinct characters than this. */
const MIN_DISTINCT_CHARS = 10;

function weakness(value: string): string | undefined {
  if (KNOWN_WEAK_SECRETS.includes(value)) return 'is a default or placeholder shipped with Arena';
  if (PLACEHOLDER.test(value)) return 'looks like a placeholder, not a random value';
  if (new Set(value).size < MIN_DISTINCT_CHARS) return 'is too plain to be random';
  return undefined;
}

/**
 * Problems that stop a production service (the secrets it uses), and the guest-login
 * setting production implies. Messages name the variable and say how to fix it.
 */

/** The secrets each service uses: the ones it checks in production (the others may stay unset). */
export const SECRETS_OF = {
  gateway: ['AUTH_SECRET', 'LINK_SECRET'],
  'room-server': ['LINK_SECRET'],
  matchmaker: [],
  'log-indexer': [],
  cli: [],
} as const satisfies Record<string, readonly ('AUTH_SECRET' | 'LINK_SECRET')[]>;
export type ServiceName = keyof typeof SECRETS_OF;

interface SecretsAndGuest {
  auth: { secret: string; guestEnabled: boolean };
  link: { secret: string };
}

export function applyProductionRules(config: SecretsAndGuest, env: Env, service: ServiceName): string[] {
  const problems: string[] = [];
  const fix = 'ARENA_ENV=production needs a random value of 32+ characters (openssl rand -hex 32)';
  const values = { AUTH_SECRET: config.auth.secret, LINK_SECRET: config.link.secret };
  const uses: readonly ('AUTH_SECRET' | 'LINK_SECRET')[] = SECRETS_OF[service];
  for (const name of uses) {
    const why = weakness(values[name]);
    if (why) problems.push(`${name} ${why}: ${fix}`);
  }
  if (uses.length === 2 && config.auth.secret === config.link.secret)
    problems.push('LINK_SECRET must differ from AUTH_SECRET (a leak of one must not give the other)');
  if (env.AUTH_GUEST_ENABLED === undefined) config.auth.guestEnabled = false;
  return problems;
}
