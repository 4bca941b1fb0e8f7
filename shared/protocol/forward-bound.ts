/**
 * The most a gateway may forward to a room server for one client frame. A plain-data frame
 * re-encodes to at most about twice its size (a float32 becomes a float64); the link frame
 * adds the room id, the player id and a few tags. Anything larger means the decoder let
 * through something it should not have: the gateway refuses to forward it.
 */
export const FORWARD_FACTOR = 2;
/** Room id and player id (64 bytes each at most), the sequence number and the frame's tags. */
export const FORWARD_OVERHEAD_BYTES = 256;

export function maxForwardBytes(clientFrameBytes: number): number {
  return FORWARD_FACTOR * clientFrameBytes + FORWARD_OVERHEAD_BYTES;
}
