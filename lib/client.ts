/**
 * `arena/client`: the TypeScript client SDK (browser or Node) for Arena's gateways.
 * @packageDocumentation
 */
export * from '../shared/client/index.js';
