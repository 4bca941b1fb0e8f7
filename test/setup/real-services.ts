/**
 * Vitest global setup of the integration project: real Redis, Kafka and Elasticsearch from
 * infra/local (reused when REDIS_URL / KAFKA_BROKERS / ELASTICSEARCH_URL point at running
 * ones), handed to the tests with provide/inject, stopped when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../infra/local/stack.js';

export interface ServiceEnv {
  REDIS_URL: string;
  KAFKA_BROKERS: string;
  ELASTICSEARCH_URL: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceEnv;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack();
  project.provide('services', stack.env as unknown as ServiceEnv);
  return () => stack.stop();
}
