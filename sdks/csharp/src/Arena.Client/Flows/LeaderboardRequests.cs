// LeaderboardRequests: the leaderboard requests waiting for their answer, by request id. The
// gateway answers on the connection that asked, so a closed connection ends every pending
// request (connection_lost); the number pending is bounded (too_many_requests beyond it).
using System;
using System.Collections.Generic;

namespace Arena.Client
{
    internal sealed class LeaderboardRequests
    {
        public const int MaxPending = 64;

        private readonly Dictionary<long, Action<LeaderboardResult>> pending = new Dictionary<long, Action<LeaderboardResult>>();
        private readonly object sync = new object();

        /// <summary>Registers a request; false when MaxPending are already waiting.</summary>
        public bool Add(long requestId, Action<LeaderboardResult> done)
        {
            lock (sync)
            {
                if (pending.Count >= MaxPending) return false;
                pending[requestId] = done;
                return true;
            }
        }

        /// <summary>The callback of this answer's request (removed), or null when none waits for it.</summary>
        public Action<LeaderboardResult> Take(long requestId)
        {
            lock (sync)
            {
                Action<LeaderboardResult> done;
                if (!pending.TryGetValue(requestId, out done)) return null;
                pending.Remove(requestId);
                return done;
            }
        }

        /// <summary>Ends every pending request with this error.</summary>
        public void FailAll(string error, string message)
        {
            List<KeyValuePair<long, Action<LeaderboardResult>>> all;
            lock (sync)
            {
                all = new List<KeyValuePair<long, Action<LeaderboardResult>>>(pending);
                pending.Clear();
            }
            foreach (var p in all)
                p.Value(LeaderboardResult.Failed(p.Key, error, message));
        }
    }
}
