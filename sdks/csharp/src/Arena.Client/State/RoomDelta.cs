// RoomDelta: what one state update changes in a room, independent of how it was encoded.
// RoomState applies RoomDeltas only, so a new delta encoding (issue 16: a compact binary one)
// needs a decoder that produces a RoomDelta, nothing else:
//   Replaced   whole entities, new or changed (protocol v1's `changed` sends whole entities:
//              apps/room-server/entity-diff.ts puts an entity in `changed` when any field differs)
//   Patched    only the fields that changed, merged into the entity the store holds (for an
//              encoding that sends fields; an id the store does not hold is a new entity)
//   Removed    ids gone from this player's view
//   Acks       highest input sequence number the room applied, per player id (only players
//              whose ack moved since the last update are listed)
using System.Collections.Generic;
using Arena.Client.Protocol;

namespace Arena.Client.State
{
    public sealed class RoomDelta
    {
        public string RoomId;
        public long Tick;
        public Dictionary<string, Dictionary<string, object>> Replaced;
        public Dictionary<string, Dictionary<string, object>> Patched;
        public IList<string> Removed;
        public Dictionary<string, double> Acks;

        /// <summary>The delta of a protocol v1 state frame.</summary>
        public static RoomDelta From(StateUpdate update)
        {
            return new RoomDelta
            {
                RoomId = update.RoomId,
                Tick = update.Tick,
                Replaced = update.Changed,
                Removed = update.Removed,
                Acks = update.Acks,
            };
        }
    }
}
