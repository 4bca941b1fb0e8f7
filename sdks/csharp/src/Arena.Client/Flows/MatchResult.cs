// MatchResult: the typed view of a finished match (RoomEnded.Result; shared/protocol/
// server-messages.ts, MatchResult). Read leniently: a field of the wrong type reads as its
// default (null, 0, empty) rather than failing, since the result is the game's report and the
// raw map stays available (Raw).
//   client.MatchEnded += r => Show(r.Winner == client.PlayerId ? "won" : "lost", r.Stat(client.PlayerId, "score"));
using System.Collections.Generic;
using Arena.Client.Protocol;

namespace Arena.Client
{
    public sealed class MatchResult
    {
        public string RoomId;
        public string Game;

        /// <summary>Set for matchmade rooms: the match, its queue and its teams (player ids); null otherwise.</summary>
        public string MatchId;
        public string Queue;
        public string[][] Teams;

        /// <summary>Why it ended, as the game says ("score", "time", "forfeit"...).</summary>
        public string Reason;

        /// <summary>The winning player (or team id, as the game reports it); null for a draw or no winner.</summary>
        public string Winner;
        public double DurationMs;

        /// <summary>Each player's game-defined stats: player id -> stat name -> number.</summary>
        public Dictionary<string, Dictionary<string, double>> Players = new Dictionary<string, Dictionary<string, double>>();

        /// <summary>Anything else the game reported (a value tree), or null.</summary>
        public Dictionary<string, object> Data;

        /// <summary>The result as it came.</summary>
        public Dictionary<string, object> Raw;

        /// <summary>A player's stat, or fallback when absent.</summary>
        public double Stat(string player, string name, double fallback = 0)
        {
            Dictionary<string, double> stats;
            double v;
            return Players.TryGetValue(player, out stats) && stats.TryGetValue(name, out v) ? v : fallback;
        }

        /// <summary>The index of the player's team in Teams, or -1.</summary>
        public int TeamOf(string player)
        {
            if (Teams == null) return -1;
            for (int i = 0; i < Teams.Length; i++)
                if (System.Array.IndexOf(Teams[i], player) >= 0) return i;
            return -1;
        }

        public static MatchResult From(Dictionary<string, object> result)
        {
            var r = new MatchResult { Raw = result ?? new Dictionary<string, object>() };
            r.RoomId = Fields.Str(Get(r.Raw, "roomId"));
            r.Game = Fields.Str(Get(r.Raw, "game"));
            r.MatchId = Fields.Str(Get(r.Raw, "matchId"));
            r.Queue = Fields.Str(Get(r.Raw, "queue"));
            r.Teams = Fields.Teams(Get(r.Raw, "teams"));
            r.Reason = Fields.Str(Get(r.Raw, "reason"));
            r.Winner = Fields.Str(Get(r.Raw, "winner"));
            r.DurationMs = Fields.Number(Get(r.Raw, "durationMs")) ?? 0;
            r.Data = Get(r.Raw, "data") as Dictionary<string, object>;
            var players = Get(r.Raw, "players") as Dictionary<string, object>;
            if (players != null)
            {
                foreach (var p in players)
                {
                    var stats = new Dictionary<string, double>();
                    var raw = p.Value as Dictionary<string, object>;
                    if (raw != null)
                    {
                        foreach (var s in raw)
                        {
                            double? n = Fields.Number(s.Value);
                            if (n.HasValue) stats[s.Key] = n.Value;
                        }
                    }
                    r.Players[p.Key] = stats;
                }
            }
            return r;
        }

        private static object Get(Dictionary<string, object> map, string key)
        {
            object v;
            return map.TryGetValue(key, out v) ? v : null;
        }
    }
}
