import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ServiceError } from './service-error.js';

/** JAVA_HOME, or the JDK behind `java` on PATH. Kafka and Elasticsearch need Java 17+. */
export function javaHome(component: string): string {
  const fromEnv = process.env.JAVA_HOME;
  if (fromEnv && existsSync(join(fromEnv, 'bin', 'java'))) return fromEnv;
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (which.status !== 0 || !onPath) {
    throw new ServiceError(
      component,
      'needs Java 17+; install it (Debian: apt-get install openjdk-17-jdk-headless)',
    );
  }
  return dirname(dirname(realpathSync(onPath)));
}

export function javaBin(component: string): string {
  return join(javaHome(component), 'bin', 'java');
}
