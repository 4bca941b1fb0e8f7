export { decodeFrame, encodeFrame } from './codec.js';
export * from './client-messages.js';
export * from './errors.js';
export * from './link-messages.js';
export * from './server-messages.js';
