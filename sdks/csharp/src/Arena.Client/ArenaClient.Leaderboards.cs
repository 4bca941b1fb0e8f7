// ArenaClient, leaderboards: typed queries, answers matched to their request by id (callback
// or Task), every answer raised as LeaderboardReceived.
using System;
using System.Threading.Tasks;
using Arena.Client.Protocol;

namespace Arena.Client
{
    public sealed partial class ArenaClient
    {
        private readonly LeaderboardRequests leaderboards = new LeaderboardRequests();


        /// <summary>Leaderboard requests that may wait for their answer at once.</summary>
        public const int MaxPendingLeaderboards = LeaderboardRequests.MaxPending;

        /// <summary>Every leaderboard answer, typed (including those with a callback or task).</summary>
        public event Action<LeaderboardResult> LeaderboardReceived;

        /// <summary>Asks for a leaderboard page; the LeaderboardAnswer carries the returned request id.</summary>
        public uint RequestLeaderboard(object query)
        {
            uint id;
            lock (sync)
                id = ++requestId;
            Send(ClientMessages.Leaderboard(id, query));
            return id;
        }

        /// <summary>
        /// Asks for a leaderboard page; done gets the typed answer on the event thread (Ok false
        /// for a refused query, a lost connection or too many pending requests). Returns the request id.
        /// </summary>
        public uint RequestLeaderboard(LeaderboardQuery query, Action<LeaderboardResult> done)
        {
            if (query == null) throw new ArgumentNullException("query");
            if (done == null) throw new ArgumentNullException("done");
            uint id;
            lock (sync)
                id = ++requestId;
            if (!leaderboards.Add(id, done))
            {
                done(LeaderboardResult.Failed(id, "too_many_requests", LeaderboardRequests.MaxPending + " leaderboard requests are waiting already"));
                return id;
            }
            if (!Send(ClientMessages.Leaderboard(id, query.ToWire())))
            {
                Action<LeaderboardResult> unsent = leaderboards.Take(id);
                if (unsent != null) unsent(LeaderboardResult.Failed(id, "not_connected", "the request could not be sent"));
            }
            return id;
        }

        /// <summary>The typed answer to a leaderboard query (completes during Update() in Poll mode).</summary>
        public Task<LeaderboardResult> LeaderboardAsync(LeaderboardQuery query)
        {
            var answer = new TaskCompletionSource<LeaderboardResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            RequestLeaderboard(query, r => answer.TrySetResult(r));
            return answer.Task;
        }

        private void OnLeaderboardAnswer(LeaderboardAnswer answer)
        {
            var result = LeaderboardResult.From(answer);
            Action<LeaderboardResult> done = leaderboards.Take(result.RequestId);
            if (done != null) done(result);
            Raise(LeaderboardReceived, result);
        }
    }
}
