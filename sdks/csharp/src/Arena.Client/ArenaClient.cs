// ArenaClient: a game's connection to Arena.
//   var client = new ArenaClient(new ArenaClientOptions { Gateways = urls, Token = token });
//   client.Welcomed += w => client.Queue("duel.eu");
//   client.MatchFound += m => ...;             // the room is joined at once (AutoJoinMatches)
//   client.Room.EntityChanged += c => ...;     // the room's state, kept current (RoomState)
//   client.MatchEnded += result => ...;
//   client.Connect();
//   void Update() { client.Update(); }          // every frame: runs the events that arrived
//   client.SendInput(new Dictionary<string, object> { { "mx", 1 } });
//
// It connects to the first gateway that answers (with ?v=<protocol>&token=), keeps the
// resume token of each welcome so that a reconnect (to the next gateway, as ReconnectPolicy
// says) puts the player back where it was (a refused resume token, e.g. expired, is followed
// by one attempt with the login token), pings to measure the round trip and sync the clock
// (Time). Each decoded server message feeds Room (snapshots, deltas, the end), then raises its
// typed event (Joined, MatchFound, MatchEnded, GameMessageReceived, LeaderboardReceived...),
// then MessageReceived. After a reconnect the gateway puts the player back in its seat and the
// resumed snapshot replaces Room's state (events for what changed meanwhile). Frames it cannot
// decode raise ProtocolError (counted in ProtocolErrors) and are skipped; the connection stays up.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;
using Arena.Client.State;
using Arena.Client.Transport;

namespace Arena.Client
{
    public sealed class ArenaClientOptions
    {
        /// <summary>Gateway WebSocket URLs (ws://host:port/ws), tried in order.</summary>
        public IList<string> Gateways;

        /// <summary>Session token: from GuestLogin in development, or from the game's own login.</summary>
        public string Token;

        public DispatchMode Dispatch = DispatchMode.Poll;

        /// <summary>Events that may wait for Poll(); beyond it the client disconnects (see EventDispatcher).</summary>
        public int MaxQueuedEvents = 65536;

        public ReconnectPolicy Reconnect = new ReconnectPolicy();
        public TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

        /// <summary>How often to ping for the round trip and clock; TimeSpan.Zero: only when Ping() is called.</summary>
        public TimeSpan PingInterval = TimeSpan.FromSeconds(5);

        /// <summary>Bounds on decoding server frames.</summary>
        public MsgPackLimits Limits = new MsgPackLimits();

        /// <summary>How to open a WebSocket; defaults to ClientWebSocketTransport.</summary>
        public Func<IWebSocketTransport> TransportFactory;

        /// <summary>Join the room of a found match at once (MatchFound is raised first).</summary>
        public bool AutoJoinMatches = true;
    }

    public sealed class ArenaClient : IDisposable
    {
        private readonly ArenaClientOptions options;
        private readonly GatewayConnection connection;
        private readonly object sync = new object();
        private readonly Timer pingTimer;
        private string token;
        private volatile bool welcomed;
        private long protocolErrors;
        private uint inputSeq;
        private uint requestId;
        private TaskCompletionSource<Welcome> connecting;
        private TaskCompletionSource<Joined> joining;
        private string joiningRoom;
        private readonly LeaderboardRequests leaderboards = new LeaderboardRequests();

        /// <summary>Leaderboard requests that may wait for their answer at once.</summary>
        public const int MaxPendingLeaderboards = LeaderboardRequests.MaxPending;

        /// <summary>Error codes that answer a join.</summary>
        private static readonly HashSet<string> JoinErrors = new HashSet<string>
        {
            ErrorCodes.RoomFull, ErrorCodes.RoomEnded, ErrorCodes.RoomUnavailable, ErrorCodes.AlreadyInRoom, ErrorCodes.BadRequest, ErrorCodes.NotInRoster,
        };

        /// <summary>An attempt starts: gateway URL and attempt number.</summary>
        public event Action<string, int> Connecting;

        /// <summary>A gateway accepted this player; PlayerId and GatewayId are set.</summary>
        public event Action<Welcome> Welcomed;

        /// <summary>A pong arrived: the round trip in milliseconds (Time is updated).</summary>
        public event Action<double> PongReceived;

        /// <summary>An Error frame from the gateway (bad request, rate limited, room full...).</summary>
        public event Action<ServerError> ErrorReceived;

        /// <summary>Every decoded server message, those handled above included.</summary>
        public event Action<ServerMessage> MessageReceived;

        /// <summary>A frame that could not be decoded; it was skipped.</summary>
        public event Action<ProtocolException> ProtocolError;

        public event Action<ConnectFailure> ConnectFailed;
        public event Action<DisconnectInfo> Disconnected;

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

        /// <summary>Every leaderboard answer, typed (including those with a callback or task).</summary>
        public event Action<LeaderboardResult> LeaderboardReceived;

        public ArenaClient(ArenaClientOptions options)
        {
            if (options == null) throw new ArgumentNullException("options");
            if (options.Gateways == null || options.Gateways.Count == 0) throw new ArgumentException("ArenaClient needs at least one gateway URL");
            if (string.IsNullOrEmpty(options.Token)) throw new ArgumentException("ArenaClient needs a session token (see GuestLogin)");
            this.options = options;
            token = options.Token;
            Dispatcher = new EventDispatcher(options.Dispatch, options.MaxQueuedEvents);
            connection = new GatewayConnection(options.Gateways, UrlFor, Dispatcher, options.Reconnect, options.TransportFactory);
            connection.ConnectTimeout = options.ConnectTimeout;
            connection.Connecting += (gw, n) => Raise(Connecting, gw, n);
            connection.FrameReceived += OnFrame;
            connection.ConnectFailed += OnConnectFailed;
            connection.Disconnected += OnDisconnected;
            Time = new TimeSync();
            Room = new RoomState();
            pingTimer = new Timer(_ => PingIfWelcomed(), null, Timeout.Infinite, Timeout.Infinite);
        }

        public EventDispatcher Dispatcher { get; private set; }
        public TimeSync Time { get; private set; }

        /// <summary>The room this player is in, kept current from its snapshots and deltas (read it on the event thread).</summary>
        public RoomState Room { get; private set; }

        public string PlayerId { get; private set; }
        public string GatewayId { get; private set; }

        /// <summary>Open and welcomed: sends reach a gateway that knows this player.</summary>
        public bool IsConnected
        {
            get { return welcomed && connection.State == ConnectionState.Open; }
        }

        public ConnectionState State
        {
            get { return connection.State; }
        }

        /// <summary>Server frames that could not be decoded.</summary>
        public long ProtocolErrors
        {
            get { return Interlocked.Read(ref protocolErrors); }
        }

        /// <summary>Frames not sent because the connection was not open or its queue was full.</summary>
        public long DroppedSends
        {
            get { return connection.DroppedSends; }
        }

        /// <summary>Starts connecting; Welcomed (or ConnectFailed) follows.</summary>
        public void Connect()
        {
            connection.Open();
        }

        /// <summary>
        /// Connects and completes with the welcome. In Poll mode it completes during Poll(), so
        /// keep calling Update() while awaiting it (Unity's and Godot's main loops do).
        /// </summary>
        public Task<Welcome> ConnectAsync()
        {
            Task<Welcome> task;
            lock (sync)
            {
                if (connecting == null) connecting = new TaskCompletionSource<Welcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                task = connecting.Task;
            }
            connection.Open();
            return task;
        }

        /// <summary>Runs the events that arrived (Poll mode); returns how many. Call it every frame.</summary>
        public int Poll()
        {
            return Dispatcher.Poll();
        }

        /// <summary>The same as Poll(), named for MonoBehaviour.Update and Godot's _Process.</summary>
        public void Update()
        {
            Poll();
        }

        public void Close()
        {
            welcomed = false;
            pingTimer.Change(Timeout.Infinite, Timeout.Infinite);
            connection.Close(CloseCodes.Normal, "client closed");
        }

        public void Dispose()
        {
            Close();
            pingTimer.Dispose();
        }

        /// <summary>Sends a ping now (PongReceived and Time follow).</summary>
        public bool Ping()
        {
            return Send(ClientMessages.Ping(TimeSync.LocalNowMs()));
        }

        /// <summary>Sends a raw frame (see Protocol.ClientMessages); false when it could not be queued.</summary>
        public bool Send(byte[] frame)
        {
            return connection.Send(frame);
        }

        // Thin senders of the current protocol; the flows around them (state store, matchmaking
        // events) come with the settled protocol.

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

        private Uri UrlFor(string gateway)
        {
            string current;
            lock (sync)
                current = token;
            string separator = gateway.IndexOf('?') >= 0 ? "&" : "?";
            return new Uri(gateway + separator + "v=" + ProtocolVersion.Current + "&token=" + Uri.EscapeDataString(current));
        }

        private void OnFrame(byte[] frame, double receivedAtMs)
        {
            ServerMessage message;
            try
            {
                message = ServerMessages.Decode(frame, options.Limits);
            }
            catch (ProtocolException e)
            {
                Interlocked.Increment(ref protocolErrors);
                Raise(ProtocolError, e);
                return;
            }
            var welcome = message as Welcome;
            if (welcome != null) OnWelcome(welcome);
            var pong = message as Pong;
            if (pong != null)
            {
                Time.AddSample(pong.ClientTime, pong.ServerTime, receivedAtMs);
                Raise(PongReceived, Math.Max(0, receivedAtMs - pong.ClientTime));
            }
            var error = message as ServerError;
            if (error != null) Raise(ErrorReceived, error);
            Route(message);
            Raise(MessageReceived, message);
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
                    if (options.AutoJoinMatches && !(Room.InRoom && Room.RoomId == found.RoomId)) Join(found.RoomId);
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
                {
                    var result = LeaderboardResult.From((LeaderboardAnswer)message);
                    Action<LeaderboardResult> done = leaderboards.Take(result.RequestId);
                    if (done != null) done(result);
                    Raise(LeaderboardReceived, result);
                    return;
                }
            }
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
            }
            if (waiting == null) return;
            if (error != null) waiting.TrySetException(error);
            else waiting.TrySetResult(joined);
        }

        private void OnWelcome(Welcome welcome)
        {
            TaskCompletionSource<Welcome> waiting;
            lock (sync)
            {
                token = welcome.ResumeToken;
                waiting = connecting;
                connecting = null;
            }
            PlayerId = welcome.PlayerId;
            GatewayId = welcome.GatewayId;
            welcomed = true;
            connection.ResetBackoff();
            Ping(); // a first clock sample at once
            if (options.PingInterval > TimeSpan.Zero) pingTimer.Change(options.PingInterval, options.PingInterval);
            Raise(Welcomed, welcome);
            if (waiting != null) waiting.TrySetResult(welcome);
        }

        private void OnConnectFailed(ConnectFailure failure)
        {
            // A resume token is short-lived (and ends with its session): when a gateway refuses
            // it, the login token, which lasts the whole session, gets one more try.
            bool retryWithLoginToken = false;
            if (!failure.WillRetry && failure.Error.HttpStatus == 401)
            {
                lock (sync)
                {
                    retryWithLoginToken = token != options.Token;
                    token = options.Token;
                }
            }
            if (retryWithLoginToken)
            {
                failure.WillRetry = true;
                Raise(ConnectFailed, failure);
                connection.Open();
                return;
            }
            Raise(ConnectFailed, failure);
            if (!failure.WillRetry) FailConnecting(failure.Error);
        }

        private void OnDisconnected(DisconnectInfo info)
        {
            welcomed = false;
            pingTimer.Change(Timeout.Infinite, Timeout.Infinite);
            // Answers come on the connection that asked: the pending ones will not come.
            leaderboards.FailAll("connection_lost", "the connection closed (" + info.Code + ") before the answer");
            Raise(Disconnected, info);
            if (!info.WillReconnect)
            {
                FailConnecting(new TransportException("connection closed (" + info.Code + " " + info.Reason + ")", 0, null));
                // A join in flight during a reconnect completes with the resumed snapshot; after the end it cannot.
                EndJoin(null, new ArenaException("connection_closed", "the connection closed (" + info.Code + " " + info.Reason + ")"));
            }
        }

        private void FailConnecting(Exception error)
        {
            TaskCompletionSource<Welcome> waiting;
            lock (sync)
            {
                waiting = connecting;
                connecting = null;
            }
            if (waiting != null) waiting.TrySetException(error);
        }

        private void PingIfWelcomed()
        {
            if (IsConnected) Ping();
        }

        private static void Raise<T>(Action<T> handler, T arg)
        {
            if (handler != null) handler(arg);
        }

        private static void Raise<T1, T2>(Action<T1, T2> handler, T1 a, T2 b)
        {
            if (handler != null) handler(a, b);
        }
    }
}
