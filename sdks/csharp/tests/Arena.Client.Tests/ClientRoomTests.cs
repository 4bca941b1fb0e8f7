// ArenaClient feeding its Room over a scripted gateway: a snapshot and deltas on the event
// thread, a resume through another gateway replacing the state, the end of the match, a leave.
using System;
using System.Collections.Generic;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;
using Arena.Client.State;

namespace Arena.Client.Tests
{
    public sealed class ClientRoomTests
    {
        internal static readonly string[] Gateways = { "ws://a/ws", "ws://b/ws" };

        internal static byte[] Frame(params object[] fields)
        {
            return MsgPackWriter.Encode(fields);
        }

        internal static Dictionary<string, object> Map(params object[] pairs)
        {
            return RoomStateTests.Fields(pairs);
        }

        internal static ArenaClient Client(ScriptedGateways gateways, EventLog log, Action<ArenaClientOptions> configure = null)
        {
            var options = new ArenaClientOptions
            {
                Gateways = Gateways,
                Token = "session-token",
                Dispatch = DispatchMode.Background,
                Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
                PingInterval = TimeSpan.Zero,
                TransportFactory = gateways.Create,
            };
            if (configure != null) configure(options);
            var client = new ArenaClient(options);
            client.Welcomed += w => log.Add("welcome " + w.GatewayId);
            client.Disconnected += d => log.Add("disconnected " + d.Code);
            client.Room.EntityAdded += e => log.Add("added " + e.Id);
            client.Room.EntityChanged += c => log.Add("changed " + c.Entity.Id + " " + string.Join(",", c.ChangedFields));
            client.Room.EntityRemoved += e => log.Add("removed " + e.Id);
            client.Room.Ticked += t => log.Add("tick " + t);
            client.Room.UpdateIgnored += (d, why) => log.Add("ignored " + why + " " + d.Tick);
            return client;
        }

        /// <summary>Connects to the next scripted gateway and welcomes the player there.</summary>
        internal static ScriptedTransport Welcome(ScriptedGateways gateways, EventLog log, string gatewayId)
        {
            ScriptedTransport t = gateways.NextConnected(gatewayId);
            t.Deliver(Frame(ServerType.Welcome, 1, "g-me", gatewayId, "resume-" + gatewayId));
            log.WaitFor("welcome " + gatewayId);
            t.Sent.Take(); // the first ping
            return t;
        }

        [Test]
        public void TheRoomFollowsSnapshotsAndDeltasAndAResumeThroughAnotherGateway()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = Client(gateways, log);
            client.Connect();
            ScriptedTransport a = Welcome(gateways, log, "gw-a");
            a.Deliver(Frame(ServerType.Joined, "room-1", "g-me", 10, 20, Map("p:g-me", Map("x", 1), "p:g-you", Map("x", 9)), false));
            log.WaitFor("tick 10");
            Assert.Equal(2, client.Room.Count);
            Assert.Equal(1u, client.SendInput(Map("mx", 1)));
            a.Deliver(Frame(ServerType.State, "room-1", 11, Map("p:g-me", Map("x", 2)), new object[0], Map("g-me", 1)));
            Assert.Equal("changed p:g-me x", log.WaitFor("changed"));
            log.WaitFor("tick 11");
            Assert.Equal(1L, client.Room.AckedSeq, "the input was acknowledged");

            a.ServerClose(1006, "gateway killed");
            log.WaitFor("disconnected 1006");
            ScriptedTransport b = Welcome(gateways, log, "gw-b");
            // Meanwhile the other player left and this one moved: the resume snapshot says so.
            b.Deliver(Frame(ServerType.Joined, "room-1", "g-me", 50, 20, Map("p:g-me", Map("x", 7)), true));
            Assert.Equal("changed p:g-me x", log.WaitFor("changed"));
            Assert.Equal("removed p:g-you", log.WaitFor("removed"));
            log.WaitFor("tick 50");
            Assert.True(client.Room.Resumed, "resumed");
            b.Deliver(Frame(ServerType.State, "room-1", 51, Map("coin:1", Map("v", 5)), new object[0], Map()));
            Assert.Equal("added coin:1", log.WaitFor("added"));
            log.WaitFor("tick 51");

            b.Deliver(Frame(ServerType.RoomEnded, "room-1", Map("roomId", "room-1", "game", "arena", "reason", "time", "winner", null, "durationMs", 1000, "players", Map())));
            b.Deliver(Frame(ServerType.State, "room-1", 52, Map("coin:2", Map("v", 5)), new object[0], Map()));
            Assert.Equal("ignored other_room 52", log.WaitFor("ignored"));
            Assert.False(client.Room.InRoom, "the match ended");
            Assert.Equal(1L, client.Room.OtherRoomUpdates, "an update after the end is ignored and counted");
            Assert.Equal(2, client.Room.Count, "the final state stays readable");

            client.Leave();
            Assert.Equal(0, client.Room.Count, "Leave clears the room");
            client.Close();
        }

        [Test]
        public void InPollModeTheRoomChangesOnlyInUpdateOnThePollingThread()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = Client(gateways, log, o => o.Dispatch = DispatchMode.Poll);
            int pollingThread = System.Threading.Thread.CurrentThread.ManagedThreadId;
            int offThread = 0;
            client.Room.EntityAdded += e =>
            {
                if (System.Threading.Thread.CurrentThread.ManagedThreadId != pollingThread) offThread++;
            };
            client.Connect();
            ScriptedTransport a = gateways.NextConnected("gw-a");
            a.Deliver(Frame(ServerType.Welcome, 1, "g-me", "gw-a", "r"));
            a.Deliver(Frame(ServerType.Joined, "room-1", "g-me", 10, 20, Map("p:g-me", Map("x", 1), "p:g-you", Map("x", 9)), false));
            a.Deliver(Frame(ServerType.State, "room-1", 11, Map("coin:1", Map("v", 1)), new object[0], Map()));
            Assert.Equal(0, client.Room.Count, "nothing is applied before Update()");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (client.Room.Tick < 11 && DateTime.UtcNow < deadline)
                client.Update();
            Assert.Equal(3, client.Room.Count, "the snapshot and the delta, applied in Update()");
            Assert.Equal(0, offThread, "store events that ran off the polling thread");
            client.Close();
        }
    }
}
