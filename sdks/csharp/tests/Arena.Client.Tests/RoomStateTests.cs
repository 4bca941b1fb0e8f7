// RoomState: snapshots, deltas (whole entities and field patches), removals, acks, stale and
// other-room updates, a resume snapshot replacing the state, a new room, the end of a match.
using System.Collections.Generic;
using Arena.Client.Protocol;
using Arena.Client.State;

namespace Arena.Client.Tests
{
    public sealed class RoomStateTests
    {
        internal static Dictionary<string, object> Fields(params object[] pairs)
        {
            var d = new Dictionary<string, object>();
            for (int i = 0; i + 1 < pairs.Length; i += 2)
                d[(string)pairs[i]] = pairs[i + 1];
            return d;
        }

        private static Dictionary<string, Dictionary<string, object>> Entities(params object[] idAndFields)
        {
            var d = new Dictionary<string, Dictionary<string, object>>();
            for (int i = 0; i + 1 < idAndFields.Length; i += 2)
                d[(string)idAndFields[i]] = (Dictionary<string, object>)idAndFields[i + 1];
            return d;
        }

        private static Joined Snapshot(string room, long tick, bool resumed, Dictionary<string, Dictionary<string, object>> entities)
        {
            return new Joined { RoomId = room, You = "g-me", Tick = tick, TickHz = 20, Entities = entities, Resumed = resumed };
        }

        /// <summary>Every store event as one line, in order.</summary>
        private static List<string> Record(RoomState room)
        {
            var log = new List<string>();
            room.EntityAdded += e => log.Add("added " + e.Id);
            room.EntityChanged += c => log.Add("changed " + c.Entity.Id + " " + string.Join(",", c.ChangedFields));
            room.EntityRemoved += e => log.Add("removed " + e.Id);
            room.Ticked += t => log.Add("tick " + t);
            room.UpdateIgnored += (d, why) => log.Add("ignored " + why + " " + d.Tick);
            return log;
        }

        private static RoomState Joined(List<string> log = null)
        {
            var room = new RoomState();
            room.ApplySnapshot(
                Snapshot("room-1", 120, false, Entities("p:g-me", Fields("x", 12.5, "y", -3L, "name", "Ada", "alive", true), "coin:1", Fields("x", 400L, "value", 5L)))
            );
            return room;
        }

        [Test]
        public void ASnapshotFillsTheStore()
        {
            var room = new RoomState();
            var log = Record(room);
            room.ApplySnapshot(Snapshot("room-1", 120, false, Entities("p:g-me", Fields("x", 12.5, "alive", true), "coin:1", Fields("value", 5L))));
            Assert.Equal("room-1", room.RoomId);
            Assert.Equal("g-me", room.You);
            Assert.Equal(120L, room.Tick);
            Assert.Equal(20.0, room.TickHz);
            Assert.True(room.InRoom, "in the room");
            Assert.Equal(2, room.Count);
            Assert.Equal(12.5, room.Get("p:g-me").Number("x"));
            Assert.True(room.Get("p:g-me").Bool("alive"), "alive");
            Assert.Equal(5.0, room.Get("coin:1").Number("value"), "an integer field reads as a number");
            Assert.True(room.Get("nobody") == null, "no such entity");
            log.Sort();
            Assert.Equal("added coin:1|added p:g-me|tick 120", string.Join("|", log));
        }

        [Test]
        public void ADeltaReplacesWholeEntitiesRemovesAndAcks()
        {
            var room = Joined();
            var log = Record(room);
            Entity before = room.Get("p:g-me");
            bool applied = room.Apply(
                new RoomDelta
                {
                    RoomId = "room-1",
                    Tick = 121,
                    // v1 sends whole entities: "alive" is not in the new version, so it is gone.
                    Replaced = Entities("p:g-me", Fields("x", 13L, "y", -3L, "name", "Ada"), "p:g-you", Fields("x", 1L)),
                    Removed = new[] { "coin:1", "never-there" },
                    Acks = new Dictionary<string, double> { { "g-me", 42 }, { "g-you", 7 } },
                }
            );
            Assert.True(applied, "applied");
            Assert.Equal("changed p:g-me x,alive|added p:g-you|removed coin:1|tick 121", string.Join("|", log), "y (-3 both times) did not change");
            Assert.Equal(13.0, room.Get("p:g-me").Number("x"));
            Assert.False(room.Get("p:g-me").Has("alive"), "a field missing from the new version is gone");
            Assert.Equal(12.5, before.Number("x"), "the previous version is unchanged");
            Assert.True(room.Get("coin:1") == null, "removed");
            Assert.Equal(42L, room.AckedSeq, "this player's ack");
            Assert.Equal(121L, room.Tick);

            // Acks list only players whose ack moved: without this player, its ack stays.
            room.Apply(new RoomDelta { RoomId = "room-1", Tick = 122, Acks = new Dictionary<string, double> { { "g-you", 9 } } });
            Assert.Equal(42L, room.AckedSeq, "unchanged ack");
        }

        [Test]
        public void AStateFrameFeedsTheStoreThroughRoomDeltaFrom()
        {
            var room = Joined();
            var frame = MsgPackWriter_State("room-1", 121, "p:g-me", 20L, "coin:1", "g-me", 3L);
            var update = (StateUpdate)ServerMessages.Decode(frame);
            Assert.True(room.Apply(RoomDelta.From(update)), "applied");
            Assert.Equal(20.0, room.Get("p:g-me").Number("x"));
            Assert.True(room.Get("coin:1") == null, "removed");
            Assert.Equal(3L, room.AckedSeq);
        }

        private static byte[] MsgPackWriter_State(string room, long tick, string id, object x, string removed, string player, object ack)
        {
            return MsgPack.MsgPackWriter.Encode(
                new object[] { (long)ServerType.State, room, tick, Fields(id, Fields("x", x)), new object[] { removed }, Fields(player, ack) }
            );
        }

        [Test]
        public void FieldPatchesMergeIntoTheEntityHeld()
        {
            var room = Joined();
            var log = Record(room);
            room.Apply(
                new RoomDelta
                {
                    RoomId = "room-1",
                    Tick = 121,
                    Patched = Entities("p:g-me", Fields("x", 14L), "coin:2", Fields("value", 1L)),
                }
            );
            Assert.Equal("changed p:g-me x|added coin:2|tick 121", string.Join("|", log));
            Entity me = room.Get("p:g-me");
            Assert.Equal(14.0, me.Number("x"));
            Assert.Equal("Ada", me.String("name"), "fields not in the patch stay");
            Assert.True(me.Bool("alive"), "fields not in the patch stay");
        }

        [Test]
        public void StaleAndOtherRoomUpdatesAreIgnoredAndCounted()
        {
            var room = Joined();
            var log = Record(room);
            Assert.False(room.Apply(new RoomDelta { RoomId = "room-1", Tick = 119, Removed = new[] { "coin:1" } }), "older than the snapshot");
            Assert.False(room.Apply(new RoomDelta { RoomId = "room-2", Tick = 500, Removed = new[] { "coin:1" } }), "another room");
            Assert.Equal(1L, room.StaleUpdates);
            Assert.Equal(1L, room.OtherRoomUpdates);
            Assert.True(room.Get("coin:1") != null, "nothing was removed");
            Assert.Equal(120L, room.Tick);
            Assert.Equal("ignored stale 119|ignored other_room 500", string.Join("|", log));
            // The same tick again changes nothing (applying twice is harmless).
            Assert.True(room.Apply(new RoomDelta { RoomId = "room-1", Tick = 120 }), "same tick");
            // Before any join, every update is for another room.
            var empty = new RoomState();
            Assert.False(empty.Apply(new RoomDelta { RoomId = "room-1", Tick = 1 }), "no room yet");
            Assert.Equal(1L, empty.OtherRoomUpdates);
        }

        [Test]
        public void AResumeSnapshotReplacesTheStateWithEventsForTheDifferencesOnly()
        {
            var room = Joined();
            room.Apply(new RoomDelta { RoomId = "room-1", Tick = 121, Acks = new Dictionary<string, double> { { "g-me", 9 } } });
            var log = Record(room);
            // Reconnected through another gateway: the room sends the whole view again, resumed.
            room.ApplySnapshot(
                Snapshot("room-1", 180, true, Entities("p:g-me", Fields("x", 12.5, "y", -3L, "name", "Ada", "alive", false), "p:g-you", Fields("x", 3L)))
            );
            log.Sort();
            Assert.Equal("added p:g-you|changed p:g-me alive|removed coin:1|tick 180", string.Join("|", log));
            Assert.True(room.Resumed, "resumed");
            Assert.Equal(180L, room.Tick);
            Assert.Equal(9L, room.AckedSeq, "the same seat: the ack stays");
            Assert.True(room.Apply(new RoomDelta { RoomId = "room-1", Tick = 181 }), "deltas apply after the resume");
            Assert.False(room.Apply(new RoomDelta { RoomId = "room-1", Tick = 150 }), "a delta from before the resume is stale");
        }

        [Test]
        public void ASnapshotOfAnotherRoomRemovesEverythingFirst()
        {
            var room = Joined();
            room.Apply(new RoomDelta { RoomId = "room-1", Tick = 121, Acks = new Dictionary<string, double> { { "g-me", 9 } } });
            room.End();
            Assert.False(room.InRoom, "ended");
            Assert.Equal(2, room.Count, "the final state stays readable");
            Assert.False(room.Apply(new RoomDelta { RoomId = "room-1", Tick = 122 }), "no updates after the end");
            var log = Record(room);
            room.ApplySnapshot(Snapshot("room-2", 5, false, Entities("p:g-me", Fields("x", 0L))));
            Assert.Equal("removed p:g-me|removed coin:1|added p:g-me|tick 5", string.Join("|", Sorted(log, 2)));
            Assert.Equal(0L, room.AckedSeq, "a new room starts without acks");
            Assert.Equal("room-2", room.RoomId);
        }

        /// <summary>Sorts the first n lines (events of one kind come in dictionary order).</summary>
        private static List<string> Sorted(List<string> log, int n)
        {
            var head = log.GetRange(0, n);
            head.Sort((a, b) => string.CompareOrdinal(b, a));
            head.AddRange(log.GetRange(n, log.Count - n));
            return head;
        }

        [Test]
        public void ClearRemovesEverything()
        {
            var room = Joined();
            var log = Record(room);
            room.Clear();
            Assert.Equal(2, log.Count, "one EntityRemoved per entity");
            Assert.True(room.RoomId == null && room.Count == 0 && !room.InRoom, "empty");
        }

        [Test]
        public void HandlersSeeTheWholeTickApplied()
        {
            var room = Joined();
            string seen = null;
            room.EntityChanged += c => seen = room.Get("coin:1") == null ? "coin gone" : "coin still there";
            room.Apply(new RoomDelta { RoomId = "room-1", Tick = 121, Replaced = Entities("p:g-me", Fields("x", 1L)), Removed = new[] { "coin:1" } });
            Assert.Equal("coin gone", seen, "the removal of the same delta is already applied");
        }

        [Test]
        public void NumbersCompareByValueWhateverTheirEncoding()
        {
            var a = new Entity("e", Fields("x", 3L, "s", "a"));
            var b = new Entity("e", Fields("x", 3.0, "s", "a"));
            Assert.Equal(0, Entity.ChangedFields(a, b).Count, "3 and 3.0");
            Assert.Equal("s", string.Join(",", Entity.ChangedFields(a, new Entity("e", Fields("x", 3L, "s", "b")))));
            Assert.Equal(7.0, new Entity("e", Fields("n", "7")).Number("n", 7), "a string is not a number: the fallback");
        }
    }
}
