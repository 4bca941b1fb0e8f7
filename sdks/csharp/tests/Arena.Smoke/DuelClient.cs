// DuelClient: the smoke client's "duel" scenario, written against the CURRENT protocol (v1)
// with the SDK's thin senders; it will change with the protocol (issues 13 and 16).
//   mono Arena.Smoke.exe --scenario duel --http http://127.0.0.1:P --gateways ws://a/ws,ws://b/ws --queue duel.eu
// Logs in, queues, joins the room of the match it is given, moves (an input every 100 ms), and
// after the match asks for its own leaderboard standing until the new rating is there. It
// prints welcome, queued, match_found, joined, progress (every 20 states: tick, the highest
// input the room acknowledged, the gateway), ended, rating; it exits 0 after the rating.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Arena.Client;
using Arena.Client.Protocol;

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

            bool queued = false;
            string roomId = null;
            int states = 0;
            double acked = 0;
            uint lastSent = 0;
            bool ended = false;
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
            client.MessageReceived += m =>
            {
                var q = m as Queued;
                if (q != null) Out.Print("queued", "queue", q.Queue);
                var found = m as MatchFound;
                if (found != null)
                {
                    Out.Print("match_found", "matchId", found.MatchId, "roomId", found.RoomId, "players", string.Join(",", Flatten(found.Teams)));
                    if (found.RoomId != roomId) client.Join(found.RoomId);
                }
                var joined = m as Joined;
                if (joined != null)
                {
                    roomId = joined.RoomId;
                    states = 0;
                    Out.Print("joined", "roomId", joined.RoomId, "resumed", joined.Resumed, "entities", joined.Entities.Count, "gatewayId", client.GatewayId);
                }
                var state = m as StateUpdate;
                if (state != null && state.RoomId == roomId)
                {
                    double mine;
                    if (state.Acks.TryGetValue(client.PlayerId, out mine)) acked = Math.Max(acked, mine);
                    if (++states % 20 == 1)
                        Out.Print("progress", "tick", state.Tick, "ackedSeq", acked, "sentSeq", (long)lastSent, "gatewayId", client.GatewayId);
                }
                var end = m as RoomEnded;
                if (end != null)
                {
                    ended = true;
                    roomId = null;
                    object reason, winner, players;
                    end.Result.TryGetValue("reason", out reason);
                    end.Result.TryGetValue("winner", out winner);
                    end.Result.TryGetValue("players", out players);
                    var stats = players as Dictionary<string, object>;
                    Out.Print(
                        "ended",
                        "roomId", end.RoomId,
                        "reason", reason,
                        "winner", winner,
                        "players", stats == null ? "" : string.Join(",", new List<string>(stats.Keys))
                    );
                    nextLeaderboardMs = clock.Elapsed.TotalMilliseconds;
                }
                var board = m as LeaderboardAnswer;
                if (board != null)
                {
                    var body = board.Body as Dictionary<string, object>;
                    object standing;
                    if (board.Ok && body != null && body.TryGetValue("standing", out standing) && standing is Dictionary<string, object>)
                    {
                        rating = Fields.Number(((Dictionary<string, object>)standing)["rating"]);
                        Out.Print("rating", "rating", rating ?? double.NaN, "requestId", board.RequestId);
                    }
                    else
                        nextLeaderboardMs = clock.Elapsed.TotalMilliseconds + 300; // not rated yet: ask again
                }
            };

            client.Connect();
            var direction = 1.0;
            while (rating == null && failure == null)
            {
                double now = clock.Elapsed.TotalMilliseconds;
                if (now > deadlineS * 1000)
                {
                    failure = "deadline of " + deadlineS + " s passed (room " + roomId + ", ended " + ended + ", state " + client.State + ")";
                    break;
                }
                client.Update();
                if (roomId != null && client.IsConnected && now >= nextInputMs)
                {
                    if ((int)(now / 1000) % 2 == 0) direction = 1.0;
                    else direction = -1.0;
                    lastSent = client.SendInput(new Dictionary<string, object> { { "mx", direction }, { "my", 0.5 }, { "tag", true } });
                    nextInputMs = now + 100;
                }
                if (ended && client.IsConnected && now >= nextLeaderboardMs)
                {
                    client.RequestLeaderboard(new Dictionary<string, object> { { "kind", "player" }, { "player", client.PlayerId } });
                    nextLeaderboardMs = double.MaxValue;
                }
                Thread.Sleep(10);
            }
            client.Close();
            if (failure != null)
            {
                Out.Print("fail", "message", failure);
                return 1;
            }
            Out.Print("done", "protocolErrors", client.ProtocolErrors);
            return 0;
        }

        private static IEnumerable<string> Flatten(string[][] teams)
        {
            foreach (string[] team in teams)
                foreach (string p in team)
                    yield return p;
        }
    }
}
