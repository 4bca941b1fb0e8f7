/** Error codes carried by Error frames (server to client) and link rejections. */
export const ErrorCode = {
  BadFrame: 'bad_frame',
  UnknownType: 'unknown_type',
  RateLimited: 'rate_limited',
  BadRequest: 'bad_request',
  NotInRoom: 'not_in_room',
  AlreadyInRoom: 'already_in_room',
  RoomFull: 'room_full',
  RoomEnded: 'room_ended',
  RoomUnavailable: 'room_unavailable',
  NotInRoster: 'not_in_roster',
  /** The game refused the join (Game.canJoin); the message is the game's reason. */
  JoinRefused: 'join_refused',
  /** The game or its room options are not valid here (unknown game, options the game refused). */
  BadRoomOptions: 'bad_room_options',
  /** Link only: this room server cannot take the room (full, or not hosting its game); placed elsewhere. */
  CannotHost: 'cannot_host',
  UnknownQueue: 'unknown_queue',
  AlreadyQueued: 'already_queued',
  /** Matched and the match has not ended: no second match at once. */
  AlreadyMatched: 'already_matched',
  NotQueued: 'not_queued',
  BadInput: 'bad_input',
  /** A dependency (Redis) failed or timed out: nothing was done, try again shortly. */
  Unavailable: 'unavailable',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes the gateway uses (4000-4999 are application-defined). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  ServiceRestart: 1012,
  Superseded: 4002,
  Flood: 4003,
  SlowConsumer: 4004,
} as const;
