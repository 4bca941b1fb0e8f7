// Leaderboard queries and their typed answers (shared/rankings/leaderboard-query.ts and
// leaderboards.ts; the gateway validates every query and answers with the same request id).
//   LeaderboardResult top = await client.LeaderboardAsync(LeaderboardQuery.Top(0, 10).InRegion("eu"));
//   client.RequestLeaderboard(LeaderboardQuery.ForPlayer(client.PlayerId), r => { if (r.Ok) Show(r.Standing.Rating); });
// A refused query (bad_request, or not_found for a player without a standing) is an answer
// with Ok false, Error and Message; so is a request whose connection closed before its
// answer (Error "connection_lost") or one over the limit of pending requests
// (Error "too_many_requests").
using System.Collections.Generic;
using Arena.Client.Protocol;

namespace Arena.Client
{
    public sealed class LeaderboardQuery
    {
        /// <summary>top, player, around, friends or seasons.</summary>
        public string Kind;

        /// <summary>The game whose boards to read (default on the server: the reference game).</summary>
        public string Game;

        /// <summary>Default: the current season.</summary>
        public string Season;

        /// <summary>Default: the global board.</summary>
        public string Region;
        public int? Offset;
        public int? Limit;
        public string Player;
        public int? Radius;
        public IList<string> Players;

        /// <summary>A page of the board, best first (limit 1..100).</summary>
        public static LeaderboardQuery Top(int offset = 0, int limit = 10)
        {
            return new LeaderboardQuery { Kind = "top", Offset = offset, Limit = limit };
        }

        /// <summary>One player's standing.</summary>
        public static LeaderboardQuery ForPlayer(string player)
        {
            return new LeaderboardQuery { Kind = "player", Player = player };
        }

        /// <summary>The standings around a player (radius 1..50 on each side).</summary>
        public static LeaderboardQuery Around(string player, int radius = 5)
        {
            return new LeaderboardQuery { Kind = "around", Player = player, Radius = radius };
        }

        /// <summary>These players' standings (1..100 ids), best first; players without one are listed as unranked.</summary>
        public static LeaderboardQuery Friends(IList<string> players)
        {
            return new LeaderboardQuery { Kind = "friends", Players = players };
        }

        /// <summary>The seasons and which one is current.</summary>
        public static LeaderboardQuery Seasons()
        {
            return new LeaderboardQuery { Kind = "seasons" };
        }

        public LeaderboardQuery ForGame(string game)
        {
            Game = game;
            return this;
        }

        public LeaderboardQuery InSeason(string season)
        {
            Season = season;
            return this;
        }

        public LeaderboardQuery InRegion(string region)
        {
            Region = region;
            return this;
        }

        /// <summary>The query as it goes on the wire: only what is set.</summary>
        public Dictionary<string, object> ToWire()
        {
            var q = new Dictionary<string, object> { { "kind", Kind } };
            if (Game != null) q["game"] = Game;
            if (Season != null) q["season"] = Season;
            if (Region != null) q["region"] = Region;
            if (Offset.HasValue) q["offset"] = (long)Offset.Value;
            if (Limit.HasValue) q["limit"] = (long)Limit.Value;
            if (Player != null) q["player"] = Player;
            if (Radius.HasValue) q["radius"] = (long)Radius.Value;
            if (Players != null) q["players"] = new List<string>(Players).ToArray();
            return q;
        }
    }

    public sealed class Standing
    {
        /// <summary>1-based place on the board.</summary>
        public long Rank;
        public string Player;
        public double Rating;

        /// <summary>When the player reached this rating (Unix milliseconds).</summary>
        public double AchievedAt;
    }

    public sealed class SeasonInfo
    {
        public string Id;

        /// <summary>Unix milliseconds.</summary>
        public double StartedAt;
    }

    public sealed class LeaderboardResult
    {
        public long RequestId;
        public bool Ok;

        /// <summary>When not Ok: bad_request, not_found, connection_lost, too_many_requests...</summary>
        public string Error;
        public string Message;

        /// <summary>The kind of answer: top, player, around, friends or seasons.</summary>
        public string Kind;
        public string Game;
        public string Season;

        /// <summary>"global" or the region's board.</summary>
        public string Board;

        /// <summary>top: how many players the board holds.</summary>
        public long Total;

        /// <summary>top, around, friends: the standings in rank order (empty otherwise).</summary>
        public List<Standing> Standings = new List<Standing>();

        /// <summary>player: the player's standing.</summary>
        public Standing Standing;

        /// <summary>friends: the players without a standing.</summary>
        public List<string> Unranked = new List<string>();

        /// <summary>seasons: the current season and all of them.</summary>
        public string CurrentSeason;
        public List<SeasonInfo> Seasons = new List<SeasonInfo>();

        /// <summary>The answer as it came (a value tree).</summary>
        public object Body;

        public static LeaderboardResult From(LeaderboardAnswer answer)
        {
            var r = new LeaderboardResult { RequestId = answer.RequestId, Ok = answer.Ok, Body = answer.Body };
            var body = answer.Body as Dictionary<string, object> ?? new Dictionary<string, object>();
            if (!answer.Ok)
            {
                r.Error = Fields.Str(Get(body, "error")) ?? "error";
                r.Message = Fields.Str(Get(body, "message")) ?? "";
                return r;
            }
            r.Kind = Fields.Str(Get(body, "kind"));
            r.Game = Fields.Str(Get(body, "game"));
            r.Season = Fields.Str(Get(body, "season"));
            r.Board = Fields.Str(Get(body, "board"));
            r.Total = (long)(Fields.Number(Get(body, "total")) ?? 0);
            r.Standing = StandingOf(Get(body, "standing"));
            var list = Get(body, "standings") as object[];
            if (list != null)
            {
                foreach (object s in list)
                {
                    Standing standing = StandingOf(s);
                    if (standing != null) r.Standings.Add(standing);
                }
            }
            r.Unranked.AddRange(Fields.StrList(Get(body, "unranked")) ?? new string[0]);
            r.CurrentSeason = Fields.Str(Get(body, "current"));
            var seasons = Get(body, "seasons") as object[];
            if (seasons != null)
            {
                foreach (object s in seasons)
                {
                    var m = s as Dictionary<string, object>;
                    if (m != null) r.Seasons.Add(new SeasonInfo { Id = Fields.Str(Get(m, "id")), StartedAt = Fields.Number(Get(m, "startedAt")) ?? 0 });
                }
            }
            return r;
        }

        /// <summary>An answer made on this side: the request could not be answered.</summary>
        public static LeaderboardResult Failed(long requestId, string error, string message)
        {
            return new LeaderboardResult { RequestId = requestId, Ok = false, Error = error, Message = message };
        }

        private static Standing StandingOf(object v)
        {
            var m = v as Dictionary<string, object>;
            if (m == null) return null;
            return new Standing
            {
                Rank = (long)(Fields.Number(Get(m, "rank")) ?? 0),
                Player = Fields.Str(Get(m, "player")),
                Rating = Fields.Number(Get(m, "rating")) ?? double.NaN,
                AchievedAt = Fields.Number(Get(m, "achievedAt")) ?? 0,
            };
        }

        private static object Get(Dictionary<string, object> map, string key)
        {
            object v;
            return map.TryGetValue(key, out v) ? v : null;
        }
    }
}
