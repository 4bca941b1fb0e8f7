// DuelClient: the smoke client's "duel" scenario, written with the SDK's typed flows and its
// room store (RoomState), the way a game uses them.
//   mono Arena.Smoke.exe --scenario duel --http http://127.0.0.1:P --gateways ws://a/ws,ws://b/ws --queue duel.eu
// Logs in, queues, is joined to the room of its match (AutoJoinMatches), moves (an input every
// 100 ms) while following its own entity through the store's change events, and after the
// match asks for its own leaderboard standing until the new rating is there. It prints
// welcome, queued, match_found, joined, progress (every 20 ticks: tick, the highest input the
// room acknowledged, the entities held, how often its own entity moved, the gateway), ended
// (with the store's final positions), rating; it exits 0 after the rating.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using Arena.Client;
using Arena.Client.Protocol;
using Arena.Client.State;

namespace Arena.Smoke
{
    public static class DuelClient
    {
        public static int Run(Dictionary<string, string> opts)
        {
            string http = opts["http"];
            var gateways = new List<string>(opts["gateways"].Split(','));
            string queue = SmokeClient.Get(opts, "queue", "duel.eu");
            double deadlineS = double.Parse(SmokeClient.Get(opts, "deadline-s", "150"), CultureInfo.InvariantCulture);

            GuestSession session = GuestLogin.LoginAsync(http, "csharp-duel").GetAwaiter().GetResult();
            Out.Print("login", "playerId", session.PlayerId);
            var client = new ArenaClient(
                new ArenaClientOptions
                {
                    Gateways = gateways,
                    Token = session.Token,
                    Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
                    PingInterval = TimeSpan.FromSeconds(1),
                }
            );
            RoomState room = client.Room;

            bool queued = false;
            int ticks = 0;
            int moves = 0;
            uint lastSent = 0;
            MatchResult result = null;
            double? rating = null;
            string failure = null;
            var clock = Stopwatch.StartNew();
            double nextInputMs = 0;
            double nextLeaderboardMs = double.MaxValue;

            client.Welcomed += w =>
            {
                Out.Print("welcome", "playerId", w.PlayerId, "gatewayId", w.GatewayId);
                if (queued) return; // after a reconnect the gateway puts the player back in its room
                client.Queue(queue);
                queued = true;
            };
            client.Disconnected += d => Out.Print("disconnected", "code", d.Code, "reason", d.Reason, "willReconnect", d.WillReconnect);
            client.ErrorReceived += e => Out.Print("server_error", "code", e.Code, "message", e.Message);
            client.ProtocolError += e => failure = "protocol error: " + e.Message;
            client.Queued += q => Out.Print("queued", "queue", q.Queue);
            client.QueueEnded += q =>
            {
                Out.Print("queue_ended", "queue", q.Queue, "reason", q.Reason, "message", q.Message);
                if (!room.InRoom && result == null) client.Queue(queue); // as a game would: queue again
            };
            client.MatchFound += m => Out.Print("match_found", "matchId", m.MatchId, "roomId", m.RoomId, "players", string.Join(",", Flatten(m.Teams)));
            client.Joined += j =>
            {
                ticks = 0;
                Entity me = room.Get("p:" + room.You);
                Out.Print("joined", "roomId", j.RoomId, "resumed", j.Resumed, "entities", room.Count, "hasOwnEntity", me != null, "gatewayId", client.GatewayId);
            };
            room.EntityChanged += c =>
            {
                if (c.Entity.Id == "p:" + room.You && (c.Changed("x") || c.Changed("y"))) moves++;
            };
            room.Ticked += tick =>
            {
                if (++ticks % 20 != 1) return;
                Out.Print("progress", "tick", tick, "ackedSeq", room.AckedSeq, "sentSeq", (long)lastSent, "entities", room.Count, "moves", moves, "gatewayId", client.GatewayId);
            };
            client.MatchEnded += r =>
            {
                result = r;
                Out.Print(
                    "ended",
                    "roomId", r.RoomId,
                    "matchId", r.MatchId,
                    "game", r.Game,
                    "reason", r.Reason,
                    "winner", r.Winner,
                    "players", string.Join(",", new List<string>(r.Players.Keys)),
                    "inRoom", room.InRoom,
                    "tick", room.Tick,
                    "positions", Positions(room)
                );
                nextLeaderboardMs = clock.Elapsed.TotalMilliseconds;
            };

            client.Connect();
            var direction = 1.0;
            while (rating == null && failure == null)
            {
                double now = clock.Elapsed.TotalMilliseconds;
                if (now > deadlineS * 1000)
                {
                    failure = "deadline of " + deadlineS + " s passed (room " + room.RoomId + ", in room " + room.InRoom + ", ended " + (result != null) + ", state " + client.State + ")";
                    break;
                }
                client.Update();
                if (room.InRoom && client.IsConnected && now >= nextInputMs)
                {
                    direction = (int)(now / 1000) % 2 == 0 ? 1.0 : -1.0;
                    lastSent = client.SendInput(new Dictionary<string, object> { { "mx", direction }, { "my", 0.5 }, { "tag", true } });
                    nextInputMs = now + 100;
                }
                if (result != null && client.IsConnected && now >= nextLeaderboardMs)
                {
                    nextLeaderboardMs = double.MaxValue;
                    client.RequestLeaderboard(
                        LeaderboardQuery.ForPlayer(client.PlayerId).ForGame(result.Game),
                        answer =>
                        {
                            if (answer.Ok && answer.Standing != null)
                            {
                                rating = answer.Standing.Rating;
                                Out.Print("rating", "rating", answer.Standing.Rating, "rank", answer.Standing.Rank, "requestId", answer.RequestId);
                            }
                            else
                                nextLeaderboardMs = clock.Elapsed.TotalMilliseconds + 300; // not rated yet (or the connection dropped): ask again
                        }
                    );
                }
                Thread.Sleep(10);
            }
            client.Close();
            if (failure != null)
            {
                Out.Print("fail", "message", failure);
                return 1;
            }
            Out.Print("done", "protocolErrors", client.ProtocolErrors, "staleUpdates", room.StaleUpdates, "otherRoomUpdates", room.OtherRoomUpdates);
            return 0;
        }

        /// <summary>The players' positions in the store, as JSON {"p:id": [x, y]} (G17: the exact doubles).</summary>
        private static string Positions(RoomState room)
        {
            var sb = new StringBuilder("{");
            foreach (var e in room.Entities)
            {
                if (e.Value.String("k") != "p") continue;
                if (sb.Length > 1) sb.Append(',');
                sb.Append(Json.Quote(e.Key)).Append(":[")
                    .Append(e.Value.Number("x").ToString("G17", CultureInfo.InvariantCulture)).Append(',')
                    .Append(e.Value.Number("y").ToString("G17", CultureInfo.InvariantCulture)).Append(']');
            }
            return sb.Append('}').ToString();
        }

        private static IEnumerable<string> Flatten(string[][] teams)
        {
            foreach (string[] team in teams)
                foreach (string p in team)
                    yield return p;
        }
    }
}
