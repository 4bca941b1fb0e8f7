// ArenaClient, rooms and matchmaking: join or create a room (JoinAsync), inputs, leave, queue
// with a party, cancel, party acceptance; and the routing of each server message into Room and
// its typed event (Joined, Left, MatchEnded, GameMessageReceived, Queued, MatchFound...).
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Arena.Client.Protocol;
using Arena.Client.State;

namespace Arena.Client
{
    public sealed partial class ArenaClient
    {
        private TaskCompletionSource<Joined> joining;
        private string joiningRoom;
        private JoinOptions joiningOptions;

        /// <summary>Error codes that answer a join.</summary>
        private static readonly HashSet<string> JoinErrors = new HashSet<string>
        {
            ErrorCodes.RoomFull, ErrorCodes.RoomEnded, ErrorCodes.RoomUnavailable, ErrorCodes.AlreadyInRoom, ErrorCodes.BadRequest, ErrorCodes.NotInRoster,
        };

        // Typed flows. Each is raised after Room took the message in, and before MessageReceived.

        /// <summary>In a room: its first snapshot, or (Resumed) the snapshot after a reconnect; Room holds it.</summary>
        public event Action<Joined> Joined;

        /// <summary>Out of the room without a result (left, timed out, the game failed).</summary>
        public event Action<Left> Left;

        /// <summary>The match is over: the result, typed. Room keeps the final state.</summary>
        public event Action<MatchResult> MatchEnded;

        /// <summary>A message from the game (ctx.send / ctx.broadcast); see also OnGameMessage.</summary>
        public event Action<GameMessage> GameMessageReceived;

        /// <summary>In a matchmaking queue (as leader of a party, its members are queued too).</summary>
        public event Action<Queued> Queued;

        /// <summary>A match: its room (joined at once unless AutoJoinMatches is off) and teams.</summary>
        public event Action<MatchFound> MatchFound;

        /// <summary>Out of the queue without a match: Reason says why (cancelled, timeout, ...).</summary>
        public event Action<QueueEnded> QueueEnded;

        /// <summary>This player's acceptance of a leader's party was registered.</summary>
        public event Action<PartyAccepted> PartyAccepted;

        /// <summary>This player's acceptance of a leader's party was taken back.</summary>
        public event Action<PartyWithdrawn> PartyWithdrawn;

        public bool Join(string roomId, int bots = 0)
        {
            return Send(ClientMessages.Join(roomId, bots));
        }

        /// <summary>Joins a room, or creates it with these options (game, room options, bots).</summary>
        public bool Join(string roomId, JoinOptions options)
        {
            return Send(ClientMessages.Join(roomId, options));
        }

        /// <summary>
        /// Joins (or creates) a room and completes with its snapshot, applied to Room; fails with
        /// an ArenaException carrying the refusal's code (room_full, room_ended, not_in_roster...).
        /// A newer join supersedes it. In Poll mode it completes during Update(), as ConnectAsync.
        /// </summary>
        public Task<Joined> JoinAsync(string roomId, JoinOptions options = null)
        {
            var waiting = new TaskCompletionSource<Joined>(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskCompletionSource<Joined> superseded;
            lock (sync)
            {
                superseded = joining;
                joining = waiting;
                joiningRoom = roomId;
                joiningOptions = options;
            }
            if (superseded != null) superseded.TrySetException(new ArenaException("superseded", "another join was sent"));
            if (!Join(roomId, options)) EndJoin(null, new ArenaException("not_connected", "the join could not be sent"));
            return waiting.Task;
        }

        /// <summary>Leaves the room; Room is cleared on the event thread (EntityRemoved for each entity).</summary>
        public bool Leave()
        {
            bool sent = Send(ClientMessages.Leave());
            Dispatcher.Post(Room.Clear, urgent: true);
            return sent;
        }

        /// <summary>Sends an input for the next tick; returns its sequence number.</summary>
        public uint SendInput(object input)
        {
            uint seq;
            lock (sync)
            {
                inputSeq = inputSeq == uint.MaxValue ? 1 : inputSeq + 1;
                seq = inputSeq;
            }
            Send(ClientMessages.Input(seq, input));
            return seq;
        }

        public bool Queue(string queue, IList<string> party = null)
        {
            return Send(ClientMessages.Queue(queue, party));
        }

        public bool CancelQueue()
        {
            return Send(ClientMessages.CancelQueue());
        }

        public bool AcceptParty(string leader)
        {
            return Send(ClientMessages.PartyAccept(leader));
        }

        public bool WithdrawParty(string leader)
        {
            return Send(ClientMessages.PartyWithdraw(leader));
        }

        /// <summary>Calls handler with the data of each game message of this type; returns the unsubscribe action.</summary>
        public Action OnGameMessage(string messageType, Action<object> handler)
        {
            Action<GameMessage> filter = m =>
            {
                if (m.MessageType == messageType) handler(m.Data);
            };
            GameMessageReceived += filter;
            return () => GameMessageReceived -= filter;
        }

        /// <summary>Feeds Room, then raises the message's typed event (Room is current in its handlers).</summary>
        private void Route(ServerMessage message)
        {
            switch (message.Type)
            {
                case "joined":
                {
                    var joined = (Joined)message;
                    Room.ApplySnapshot(joined);
                    if (joined.RoomId == joiningRoom) EndJoin(joined, null);
                    Raise(Joined, joined);
                    return;
                }
                case "state":
                    Room.Apply(RoomDelta.From((StateUpdate)message));
                    return;
                case "ended":
                {
                    var ended = (RoomEnded)message;
                    if (ended.RoomId == Room.RoomId) Room.End();
                    Raise(MatchEnded, MatchResult.From(ended.Result));
                    return;
                }
                case "left":
                {
                    var left = (Left)message;
                    if (left.RoomId == Room.RoomId) Room.End();
                    Raise(Left, left);
                    return;
                }
                case "error":
                {
                    var error = (ServerError)message;
                    if (JoinErrors.Contains(error.Code)) EndJoin(null, new ArenaException(error.Code, error.Message));
                    return;
                }
                case "game_message":
                    Raise(GameMessageReceived, (GameMessage)message);
                    return;
                case "queued":
                    Raise(Queued, (Queued)message);
                    return;
                case "match_found":
                {
                    var found = (MatchFound)message;
                    Raise(MatchFound, found);
                    // Through JoinAsync, so that a join lost with the connection is sent again; a
                    // refusal also comes as ErrorReceived, so the task is not watched here.
                    if (options.AutoJoinMatches && !(Room.InRoom && Room.RoomId == found.RoomId)) JoinAsync(found.RoomId);
                    return;
                }
                case "queue_ended":
                    Raise(QueueEnded, (QueueEnded)message);
                    return;
                case "party_accepted":
                    Raise(PartyAccepted, (PartyAccepted)message);
                    return;
                case "party_withdrawn":
                    Raise(PartyWithdrawn, (PartyWithdrawn)message);
                    return;
                case "leaderboard":
                    OnLeaderboardAnswer((LeaderboardAnswer)message);
                    return;
            }
        }

        /// <summary>
        /// After a reconnect, sends the pending JoinAsync's join again: it may have been lost with
        /// the connection. A join of the room this player holds a seat in puts it back in its seat
        /// (the room answers with a resumed snapshot), so sending it twice is harmless.
        /// </summary>
        private void ResendPendingJoin()
        {
            string roomId;
            JoinOptions again;
            lock (sync)
            {
                roomId = joiningRoom;
                again = joiningOptions;
            }
            if (roomId != null) Join(roomId, again);
        }

        /// <summary>Completes (or fails) the pending JoinAsync, if any.</summary>
        private void EndJoin(Joined joined, Exception error)
        {
            TaskCompletionSource<Joined> waiting;
            lock (sync)
            {
                waiting = joining;
                joining = null;
                joiningRoom = null;
                joiningOptions = null;
            }
            if (waiting == null) return;
            if (error != null) waiting.TrySetException(error);
            else waiting.TrySetResult(joined);
        }
    }
}
