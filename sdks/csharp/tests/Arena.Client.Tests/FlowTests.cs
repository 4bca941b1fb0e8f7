// ArenaClient's typed flows over a scripted gateway: join or create with options (task and
// refusal), queue with a party, match found with and without auto-join, queue ended, party
// events, the typed match result, game messages, typed leaderboard answers and their failures.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;

namespace Arena.Client.Tests
{
    public sealed class FlowTests
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

        private static byte[] Frame(params object[] fields)
        {
            return ClientRoomTests.Frame(fields);
        }

        private static Dictionary<string, object> Map(params object[] pairs)
        {
            return ClientRoomTests.Map(pairs);
        }

        /// <summary>The next frame the client sent, within the deadline.</summary>
        private static byte[] NextSent(ScriptedTransport t, string what)
        {
            byte[] frame;
            if (!t.Sent.TryTake(out frame, Deadline)) Assert.Fail("timed out waiting for " + what);
            return frame;
        }

        private static T Result<T>(Task<T> task, string what)
        {
            Assert.True(task.Wait(Deadline), what + " completed");
            return task.Result;
        }

        private static ArenaException Failure<T>(Task<T> task, string what)
        {
            try
            {
                task.Wait(Deadline);
            }
            catch (AggregateException e)
            {
                var arena = e.InnerException as ArenaException;
                Assert.True(arena != null, what + ": expected an ArenaException, got " + e.InnerException);
                return arena;
            }
            throw new AssertionException(what + " did not fail");
        }

        [Test]
        public void JoinAsyncCreatesWithOptionsCompletesWithTheSnapshotAndFailsWithTheRefusal()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log);
            client.Joined += j => log.Add("joined " + j.RoomId + " resumed=" + j.Resumed);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");

            var options = new JoinOptions { Bots = 1, Game = "arena-sprint", Options = Map("rounds", 3, "map", "small") };
            Task<Joined> join = client.JoinAsync("room-1", options);
            // The bytes of the shared vector "join creating a room of a named game with room options".
            Assert.Hex("9301a6726f6f6d2d3183a4626f747301a467616d65ac6172656e612d737072696e74a76f7074696f6e7382a6726f756e647303a36d6170a5736d616c6c", a.Sent.Take(), "join frame");
            Assert.False(join.IsCompleted, "waits for the snapshot");
            a.Deliver(Frame(ServerType.Joined, "room-1", "g-me", 5, 20, Map("p:g-me", Map("x", 1)), false));
            Assert.Equal("room-1", Result(join, "JoinAsync").RoomId);
            Assert.Equal(1, client.Room.Count, "the snapshot is in Room when the join completes");
            Assert.Equal("joined room-1 resumed=False", log.WaitFor("joined"));

            Task<Joined> full = client.JoinAsync("room-2");
            Assert.Hex("9301a6726f6f6d2d3281a4626f747300", a.Sent.Take(), "a join without options");
            a.Deliver(Frame(ServerType.Error, "room_full", "room room-2 is full"));
            Assert.Equal("room_full", Failure(full, "a join of a full room").Code);

            Task<Joined> first = client.JoinAsync("room-3");
            Task<Joined> second = client.JoinAsync("room-4");
            Assert.Equal("superseded", Failure(first, "a superseded join").Code);
            Assert.False(second.IsCompleted, "the newer join waits");
            client.Close();
            Assert.Equal("connection_closed", Failure(second, "a join when the client closes").Code);
        }

        [Test]
        public void AJoinInFlightWhenTheGatewayDiesIsSentAgainThroughTheNextOne()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");
            var options = new JoinOptions { Bots = 2, Game = "arena" };
            Task<Joined> join = client.JoinAsync("room-1", options);
            byte[] first = a.Sent.Take();
            a.ServerClose(1006, "gateway killed before the room answered");
            log.WaitFor("disconnected 1006");
            ScriptedTransport b = gateways.NextConnected("gw-b");
            b.Deliver(Frame(ServerType.Welcome, 1, "g-me", "gw-b", "r2"));
            b.Sent.Take(); // the first ping
            Assert.Hex(Assert.ToHex(first), NextSent(b, "the join sent again"), "the same join, sent again");
            Assert.False(join.IsCompleted, "still waiting for the room");
            b.Deliver(Frame(ServerType.Joined, "room-1", "g-me", 30, 20, Map(), true));
            Assert.True(Result(join, "the join through gw-b").Resumed, "completed by the resumed snapshot");
            // No join is pending any more: the next reconnect sends none.
            b.ServerClose(1006, "again");
            log.WaitFor("disconnected 1006");
            ScriptedTransport c = gateways.NextConnected("gw-a again");
            c.Deliver(Frame(ServerType.Welcome, 1, "g-me", "gw-a", "r3"));
            c.Sent.Take(); // the first ping
            client.Ping();
            Assert.Equal((object)(long)ClientType.Ping, ((object[])MsgPackReader.Decode(c.Sent.Take()))[0], "no join after the join completed");
            client.Close();
        }

        [Test]
        public void QueueWithAPartyMatchFoundAutoJoinsAndTheQueueEvents()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log);
            client.Queued += q => log.Add("queued " + q.Queue + " " + q.TicketId);
            client.MatchFound += m => log.Add("match " + m.MatchId + " " + m.RoomId + " teams=" + m.Teams.Length);
            client.QueueEnded += q => log.Add("queue_ended " + q.Queue + " " + q.Reason);
            client.PartyAccepted += p => log.Add("party_accepted " + p.Leader);
            client.PartyWithdrawn += p => log.Add("party_withdrawn " + p.Leader);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");

            client.AcceptParty("g-leader");
            Assert.Hex("920ca8672d6c6561646572", a.Sent.Take(), "party accept");
            a.Deliver(Frame(ServerType.PartyAccepted, "g-leader"));
            Assert.Equal("party_accepted g-leader", log.WaitFor("party_accepted"));
            client.WithdrawParty("g-leader");
            Assert.Hex("920da8672d6c6561646572", a.Sent.Take(), "party withdraw");
            a.Deliver(Frame(ServerType.PartyWithdrawn, "g-leader"));
            Assert.Equal("party_withdrawn g-leader", log.WaitFor("party_withdrawn"));

            client.Queue("squad.na", new[] { "g-friend1", "g-friend2" });
            Assert.Hex("930aa873717561642e6e6192a9672d667269656e6431a9672d667269656e6432", a.Sent.Take(), "queue with a party");
            a.Deliver(Frame(ServerType.Queued, "squad.na", "t-1"));
            Assert.Equal("queued squad.na t-1", log.WaitFor("queued"));
            client.CancelQueue();
            Assert.Hex("910b", a.Sent.Take(), "cancel");
            a.Deliver(Frame(ServerType.QueueEnded, "squad.na", "cancelled", "you left the queue"));
            Assert.Equal("queue_ended squad.na cancelled", log.WaitFor("queue_ended"));

            a.Deliver(Frame(ServerType.MatchFound, "m-1", "m-1", "squad.na", new object[] { new object[] { "g-me" }, new object[] { "g-b" } }));
            Assert.Equal("match m-1 m-1 teams=2", log.WaitFor("match"));
            Assert.Hex("9301a36d2d3181a4626f747300", a.Sent.Take(), "joins the match's room at once");
            a.Deliver(Frame(ServerType.Joined, "m-1", "g-me", 1, 20, Map(), false));
            log.WaitFor("tick 1");
            // The same match announced again (say after a reconnect): already in its room, no second join.
            a.Deliver(Frame(ServerType.MatchFound, "m-1", "m-1", "squad.na", new object[0]));
            log.WaitFor("match m-1");
            client.Ping();
            Assert.Equal((object)(long)ClientType.Ping, ((object[])MsgPackReader.Decode(a.Sent.Take()))[0], "the next frame is the ping, not a join");
            client.Close();
        }

        [Test]
        public void WithoutAutoJoinAMatchFoundSendsNothing()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log, o => o.AutoJoinMatches = false);
            client.MatchFound += m => log.Add("match " + m.RoomId);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");
            a.Deliver(Frame(ServerType.MatchFound, "m-1", "m-1", "duel.eu", new object[0]));
            log.WaitFor("match m-1");
            client.Ping();
            Assert.Equal((object)(long)ClientType.Ping, ((object[])MsgPackReader.Decode(a.Sent.Take()))[0], "no join was sent");
            client.Close();
        }

        [Test]
        public void TheMatchResultIsTypedAndGameMessagesAreEvents()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log);
            MatchResult result = null;
            client.MatchEnded += r =>
            {
                result = r;
                log.Add("ended " + r.Reason);
            };
            client.GameMessageReceived += m => log.Add("game_message " + m.MessageType);
            var shots = new List<object>();
            Action off = client.OnGameMessage("shot", shots.Add);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");

            a.Deliver(Frame(ServerType.GameMessage, "m-1", "shot", Map("x", 3, "hit", true)));
            a.Deliver(Frame(ServerType.GameMessage, "m-1", "chat", "hello"));
            Assert.Equal("game_message shot", log.WaitFor("game_message"));
            Assert.Equal("game_message chat", log.WaitFor("game_message"));
            Assert.Equal(1, shots.Count, "OnGameMessage filters by type");
            Assert.Equal((object)true, ((Dictionary<string, object>)shots[0])["hit"], "the data as a value tree");
            off();
            a.Deliver(Frame(ServerType.GameMessage, "m-1", "shot", null));
            log.WaitFor("game_message shot");
            Assert.Equal(1, shots.Count, "unsubscribed");

            // The shared vector "ended with a matchmade result".
            a.Deliver(
                Frame(
                    ServerType.RoomEnded,
                    "m-7f3a",
                    Map(
                        "roomId", "m-7f3a", "game", "arena", "matchId", "m-7f3a", "queue", "duel.eu",
                        "teams", new object[] { new object[] { "g-a" }, new object[] { "g-b" } },
                        "reason", "score", "winner", "g-a", "durationMs", 61250,
                        "players", Map("g-a", Map("score", 5, "kills", 5, "deaths", 1), "g-b", Map("score", 1, "kills", 1.5, "deaths", "x")),
                        "data", Map("mvp", "g-a")
                    )
                )
            );
            Assert.Equal("ended score", log.WaitFor("ended"));
            Assert.Equal("g-a", result.Winner);
            Assert.Equal("m-7f3a", result.MatchId);
            Assert.Equal("arena", result.Game);
            Assert.Equal(61250.0, result.DurationMs);
            Assert.Equal(1, result.TeamOf("g-b"));
            Assert.Equal(-1, result.TeamOf("g-c"));
            Assert.Equal(5.0, result.Stat("g-a", "score"));
            Assert.Equal(1.5, result.Stat("g-b", "kills"));
            Assert.False(result.Players["g-b"].ContainsKey("deaths"), "a stat that is not a number is left out");
            Assert.Equal((object)"g-a", result.Data["mvp"]);

            a.Deliver(Frame(ServerType.RoomEnded, "room-9", Map("roomId", "room-9", "reason", "time", "winner", null, "players", Map())));
            log.WaitFor("ended time");
            Assert.True(result.Winner == null && result.MatchId == null && result.Teams == null, "no winner, not matchmade");
            client.Close();
        }

        [Test]
        public void LeaderboardAnswersAreTypedAndPendingRequestsEndWithTheConnection()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = ClientRoomTests.Client(gateways, log);
            client.Connect();
            ScriptedTransport a = ClientRoomTests.Welcome(gateways, log, "gw-a");

            Task<LeaderboardResult> top = client.LeaderboardAsync(LeaderboardQuery.Top(0, 10).InRegion("eu").ForGame("arena"));
            var sent = (object[])MsgPackReader.Decode(a.Sent.Take());
            Assert.Equal((object)(long)ClientType.Leaderboard, sent[0]);
            var query = (Dictionary<string, object>)sent[2];
            Assert.Equal("kind=top,game=arena,region=eu,offset=0,limit=10", Describe(query), "only what is set");
            a.Deliver(
                Frame(
                    ServerType.Leaderboard, sent[1], true,
                    Map(
                        "kind", "top", "game", "arena", "season", "s1", "board", "eu", "total", 2,
                        "standings", new object[] { Map("rank", 1, "player", "g-a", "rating", 1532.75, "achievedAt", 1700000000000.0), Map("rank", 2, "player", "g-b", "rating", -12, "achievedAt", 1) }
                    )
                )
            );
            LeaderboardResult r = Result(top, "the top page");
            Assert.True(r.Ok, "ok");
            Assert.Equal("top s1 eu arena 2", r.Kind + " " + r.Season + " " + r.Board + " " + r.Game + " " + r.Total);
            Assert.Equal(2, r.Standings.Count);
            Assert.Equal(1532.75, r.Standings[0].Rating);
            Assert.Equal("g-b", r.Standings[1].Player);
            Assert.Equal(2L, r.Standings[1].Rank);

            var answers = new List<LeaderboardResult>();
            uint id = client.RequestLeaderboard(LeaderboardQuery.ForPlayer("g-nobody"), answers.Add);
            a.Sent.Take();
            a.Deliver(Frame(ServerType.Leaderboard, id, false, Map("error", "not_found", "message", "player g-nobody has no standing")));
            Assert.Equal(1, answers.Count, "the callback ran");
            Assert.False(answers[0].Ok, "refused");
            Assert.Equal("not_found", answers[0].Error);

            // An answer nobody waits for still raises LeaderboardReceived.
            LeaderboardResult any = null;
            client.LeaderboardReceived += x => any = x;
            a.Deliver(Frame(ServerType.Leaderboard, 999, true, Map("kind", "player", "season", "s1", "board", "global", "standing", Map("rank", 3, "player", "g-me", "rating", 1500, "achievedAt", 0))));
            Assert.Equal(1500.0, any.Standing.Rating);

            // Pending requests end with the connection (answers come on the connection that asked).
            Task<LeaderboardResult> lost = client.LeaderboardAsync(LeaderboardQuery.Seasons());
            a.ServerClose(1006, "gone");
            Assert.Equal("connection_lost", Result(lost, "a request on a closed connection").Error);
            ScriptedTransport b = ClientRoomTests.Welcome(gateways, log, "gw-b");
            // And they are bounded.
            for (int i = 0; i < ArenaClient.MaxPendingLeaderboards; i++)
                client.RequestLeaderboard(LeaderboardQuery.Top(), x => { });
            Task<LeaderboardResult> over = client.LeaderboardAsync(LeaderboardQuery.Top());
            Assert.Equal("too_many_requests", Result(over, "a request over the bound").Error);
            GC.KeepAlive(b);
            client.Close();
        }

        private static string Describe(Dictionary<string, object> map)
        {
            var parts = new List<string>();
            foreach (var e in map)
                parts.Add(e.Key + "=" + e.Value);
            return string.Join(",", parts);
        }
    }
}
