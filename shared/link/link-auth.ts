import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LINK_NONCE_BYTES } from '../protocol/link-messages.js';

/**
 * Gateway-to-room-server link authentication: a shared secret (LINK_SECRET) and a
 * challenge. The room server opens every link with a fresh random nonce; the gateway answers
 * with its id and HMAC-SHA256(secret, domain | nonce | gatewayId). The nonce is new for each
 * connection, so a recorded hello is worth nothing on another one, and the id is inside the
 * MAC, so a proof for one gateway id cannot claim another.
 */
const DOMAIN = 'arena-link-v1';

export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(LINK_NONCE_BYTES));
}

export function linkProof(secret: string, nonce: Uint8Array, gatewayId: string): Uint8Array {
  const mac = createHmac('sha256', secret);
  mac.update(DOMAIN);
  mac.update('\0');
  mac.update(nonce);
  mac.update('\0');
  mac.update(gatewayId);
  return new Uint8Array(mac.digest());
}

/** Constant-time check of a hello's proof against this link's nonce. */
export function verifyLinkProof(
  secret: string,
  nonce: Uint8Array,
  gatewayId: string,
  proof: Uint8Array,
): boolean {
  const expected = linkProof(secret, nonce, gatewayId);
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}
