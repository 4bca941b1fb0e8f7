// RoomState: the client-side store of the room this player is in, kept current from the
// room's snapshots (Joined) and deltas (RoomDelta, from StateUpdate or another decoder), with
// change events. ArenaClient feeds its `Room` on the event thread; a game reads it there too.
//   client.Room.EntityAdded += e => Spawn(e.Id, e.Number("x"), e.Number("y"));
//   client.Room.EntityChanged += c => { if (c.Changed("x") || c.Changed("y")) Move(c.Entity); };
//   client.Room.EntityRemoved += e => Despawn(e.Id);
//   client.Room.Ticked += tick => DropPredictedInputsUpTo(client.Room.AckedSeq);
//
// Rules (the TypeScript client's store in shared/client/arena-client.ts, plus change events):
// - A snapshot of the room the store holds (a resume after a reconnect, or the same room
//   joined again) replaces its entities and raises events for the differences only; a
//   snapshot of another room removes every entity (EntityRemoved) and adds the new ones.
// - A delta for another room (or when in no room) or older than the store's tick is ignored
//   and counted (OtherRoomUpdates, StaleUpdates, and the UpdateIgnored event). A delta of the
//   same tick is applied: applying one twice changes nothing.
// - Each snapshot or delta is applied whole before its events run, so a handler always sees
//   the room as of that tick; Ticked comes last.
// - After the match ends or the player is taken out (End), the entities stay readable (the
//   final positions, the score) until the next join or Clear.
// Not thread-safe: use it from the thread that runs the client's events (Update() in Poll mode).
using System;
using System.Collections.Generic;
using Arena.Client.Protocol;

namespace Arena.Client.State
{
    public sealed class RoomState
    {
        private readonly Dictionary<string, Entity> entities = new Dictionary<string, Entity>();

        public event Action<Entity> EntityAdded;
        public event Action<EntityChange> EntityChanged;
        public event Action<Entity> EntityRemoved;

        /// <summary>A snapshot or delta was applied (after its entity events): the room's tick.</summary>
        public event Action<long> Ticked;

        /// <summary>A delta that was not applied: "other_room" or "stale".</summary>
        public event Action<RoomDelta, string> UpdateIgnored;

        /// <summary>The room of the last snapshot; null before the first join and after Clear.</summary>
        public string RoomId { get; private set; }

        /// <summary>This player's id as the room knows it.</summary>
        public string You { get; private set; }

        public long Tick { get; private set; }
        public double TickHz { get; private set; }

        /// <summary>In the room and receiving its updates (false once it ended or the player left).</summary>
        public bool InRoom { get; private set; }

        /// <summary>The last snapshot put this player back in its seat (after a reconnect).</summary>
        public bool Resumed { get; private set; }

        /// <summary>
        /// The highest input sequence number (ArenaClient.SendInput's) the room has applied: a
        /// game with client-side prediction drops its predicted inputs up to it.
        /// </summary>
        public long AckedSeq { get; private set; }

        public long OtherRoomUpdates { get; private set; }
        public long StaleUpdates { get; private set; }

        public IReadOnlyDictionary<string, Entity> Entities
        {
            get { return entities; }
        }

        public int Count
        {
            get { return entities.Count; }
        }

        /// <summary>The entity with this id, or null.</summary>
        public Entity Get(string id)
        {
            Entity e;
            return entities.TryGetValue(id, out e) ? e : null;
        }

        public bool TryGet(string id, out Entity entity)
        {
            return entities.TryGetValue(id, out entity);
        }

        /// <summary>A Joined frame: the whole room as this player sees it.</summary>
        public void ApplySnapshot(Joined joined)
        {
            if (joined == null) throw new ArgumentNullException("joined");
            var pending = new List<Action>();
            bool sameRoom = joined.RoomId == RoomId;
            if (!sameRoom)
            {
                RemoveAll(pending);
                AckedSeq = 0;
            }
            var seen = new HashSet<string>();
            foreach (var e in joined.Entities)
            {
                seen.Add(e.Key);
                Put(new Entity(e.Key, e.Value), pending);
            }
            var gone = new List<string>();
            foreach (string id in entities.Keys)
                if (!seen.Contains(id)) gone.Add(id);
            foreach (string id in gone)
                Remove(id, pending);
            RoomId = joined.RoomId;
            You = joined.You;
            Tick = joined.Tick;
            TickHz = joined.TickHz;
            Resumed = joined.Resumed;
            InRoom = true;
            Run(pending);
        }

        /// <summary>Applies a delta of the current room; false (and counted) when it was ignored.</summary>
        public bool Apply(RoomDelta delta)
        {
            if (delta == null) throw new ArgumentNullException("delta");
            if (!InRoom || delta.RoomId != RoomId)
            {
                OtherRoomUpdates++;
                Raise(UpdateIgnored, delta, "other_room");
                return false;
            }
            if (delta.Tick < Tick)
            {
                StaleUpdates++;
                Raise(UpdateIgnored, delta, "stale");
                return false;
            }
            var pending = new List<Action>();
            if (delta.Replaced != null)
                foreach (var e in delta.Replaced)
                    Put(new Entity(e.Key, e.Value), pending);
            if (delta.Patched != null)
            {
                foreach (var e in delta.Patched)
                {
                    Entity current;
                    var merged = entities.TryGetValue(e.Key, out current) ? new Dictionary<string, object>(Fields(current)) : new Dictionary<string, object>();
                    foreach (var f in e.Value)
                        merged[f.Key] = f.Value;
                    Put(new Entity(e.Key, merged), pending);
                }
            }
            if (delta.Removed != null)
                foreach (string id in delta.Removed)
                    Remove(id, pending);
            double acked;
            if (delta.Acks != null && You != null && delta.Acks.TryGetValue(You, out acked)) AckedSeq = (long)acked;
            Tick = delta.Tick;
            Run(pending);
            return true;
        }

        /// <summary>The match ended or the player was taken out: no more updates; the entities stay readable.</summary>
        public void End()
        {
            InRoom = false;
        }

        /// <summary>Forgets the room (the player left it): EntityRemoved for every entity.</summary>
        public void Clear()
        {
            var pending = new List<Action>();
            RemoveAll(pending);
            RoomId = null;
            You = null;
            Tick = 0;
            TickHz = 0;
            AckedSeq = 0;
            Resumed = false;
            InRoom = false;
            foreach (Action a in pending)
                a();
        }

        private static IDictionary<string, object> Fields(Entity e)
        {
            var copy = new Dictionary<string, object>();
            foreach (var f in e.Fields)
                copy[f.Key] = f.Value;
            return copy;
        }

        private void Put(Entity next, List<Action> pending)
        {
            Entity before;
            entities.TryGetValue(next.Id, out before);
            entities[next.Id] = next;
            if (before == null)
            {
                pending.Add(() => Raise(EntityAdded, next));
                return;
            }
            List<string> changed = Entity.ChangedFields(before, next);
            if (changed.Count == 0) return;
            var change = new EntityChange { Entity = next, Previous = before, ChangedFields = changed };
            pending.Add(() => Raise(EntityChanged, change));
        }

        private void Remove(string id, List<Action> pending)
        {
            Entity before;
            if (!entities.TryGetValue(id, out before)) return;
            entities.Remove(id);
            pending.Add(() => Raise(EntityRemoved, before));
        }

        private void RemoveAll(List<Action> pending)
        {
            foreach (string id in new List<string>(entities.Keys))
                Remove(id, pending);
        }

        private void Run(List<Action> pending)
        {
            foreach (Action a in pending)
                a();
            Raise(Ticked, Tick);
        }

        private static void Raise<T>(Action<T> handler, T arg)
        {
            if (handler != null) handler(arg);
        }

        private static void Raise<T1, T2>(Action<T1, T2> handler, T1 a, T2 b)
        {
            if (handler != null) handler(a, b);
        }
    }
}
