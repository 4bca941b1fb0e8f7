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
using Arena.Client.Protocol;
using Arena.Client.State;
using Arena.Client.Transport;

namespace Arena.Client
{
    public sealed partial class ArenaClient : IDisposable
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
            ResendPendingJoin();
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
                // A join in flight during a reconnect is sent again after the welcome; after the end it cannot be.
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
