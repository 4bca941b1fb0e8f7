// GatewayConnection: one logical connection to "any of these gateways": it tries the URLs in
// order, moves to the next one after a failure or a lost connection, waits as the
// ReconnectPolicy says, and delivers everything through an EventDispatcher. It knows bytes, not
// messages (ArenaClient decodes them), so it does not change with the protocol.
//   var c = new GatewayConnection(new[] { "ws://a/ws", "ws://b/ws" }, gw => new Uri(gw + "?token=..."), dispatcher);
//   c.FrameReceived += bytes => ...;  c.Disconnected += info => ...;
//   c.Open();  c.Send(frame);  c.Close();
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Arena.Client.Transport;

namespace Arena.Client
{
    public enum ConnectionState
    {
        /// <summary>Not started, or closed by Close().</summary>
        Idle,
        Connecting,
        Open,

        /// <summary>Waiting before the next attempt.</summary>
        WaitingToReconnect,

        /// <summary>Stopped on its own: the policy gave up or refused to reconnect.</summary>
        Closed,
    }

    public sealed class DisconnectInfo
    {
        public string Gateway;

        /// <summary>WebSocket close code (1006: the connection broke without one).</summary>
        public int Code;
        public string Reason;
        public bool WillReconnect;
    }

    public sealed class ConnectFailure
    {
        public string Gateway;
        public TransportException Error;
        public bool WillRetry;
    }

    public sealed class GatewayConnection : IDisposable
    {
        private readonly List<string> gateways;
        private readonly Func<string, Uri> urlFor;
        private readonly EventDispatcher dispatcher;
        private readonly ReconnectPolicy policy;
        private readonly Func<IWebSocketTransport> transportFactory;
        private readonly object sync = new object();

        private IWebSocketTransport transport;
        private CancellationTokenSource run;
        private int gatewayIndex;
        private int failures;
        private long droppedSends;
        private bool overflowed;

        /// <summary>An attempt starts: the gateway URL (without the query) and the attempt number since the last success.</summary>
        public event Action<string, int> Connecting;

        /// <summary>A gateway accepted the WebSocket.</summary>
        public event Action<string> Opened;

        public event Action<ConnectFailure> ConnectFailed;
        /// <summary>A frame arrived: its bytes and when (TimeSync.LocalNowMs() on the network thread).</summary>
        public event Action<byte[], double> FrameReceived;
        public event Action<DisconnectInfo> Disconnected;

        /// <summary>Limit on one connection attempt (TCP, TLS and the upgrade).</summary>
        public TimeSpan ConnectTimeout { get; set; }

        public ConnectionState State { get; private set; }

        /// <summary>The gateway of the current or last attempt.</summary>
        public string CurrentGateway { get; private set; }

        /// <summary>Frames Send() could not queue (not open, or the send queue was full).</summary>
        public long DroppedSends
        {
            get { return Interlocked.Read(ref droppedSends); }
        }

        public GatewayConnection(
            IList<string> gateways,
            Func<string, Uri> urlFor,
            EventDispatcher dispatcher,
            ReconnectPolicy policy = null,
            Func<IWebSocketTransport> transportFactory = null
        )
        {
            if (gateways == null || gateways.Count == 0) throw new ArgumentException("at least one gateway URL is needed", "gateways");
            if (urlFor == null) throw new ArgumentNullException("urlFor");
            if (dispatcher == null) throw new ArgumentNullException("dispatcher");
            this.gateways = new List<string>(gateways);
            this.urlFor = urlFor;
            this.dispatcher = dispatcher;
            this.policy = policy ?? new ReconnectPolicy();
            this.transportFactory = transportFactory ?? (() => new ClientWebSocketTransport());
            ConnectTimeout = TimeSpan.FromSeconds(10);
            State = ConnectionState.Idle;
        }

        /// <summary>Starts connecting (from the first gateway on the first call); does nothing while running.</summary>
        public void Open()
        {
            CancellationTokenSource token;
            lock (sync)
            {
                if (run != null) return;
                run = token = new CancellationTokenSource();
                overflowed = false;
                State = ConnectionState.Connecting;
            }
            Task.Run(() => Run(token.Token));
        }

        /// <summary>Queues a frame for the open connection; false (and counted) when it cannot.</summary>
        public bool Send(byte[] frame)
        {
            IWebSocketTransport t;
            lock (sync)
                t = State == ConnectionState.Open ? transport : null;
            if (t != null && t.Send(frame)) return true;
            Interlocked.Increment(ref droppedSends);
            return false;
        }

        /// <summary>Closes the connection and stops reconnecting; Disconnected follows if it was open.</summary>
        public void Close(int code = 1000, string reason = "client closed")
        {
            IWebSocketTransport t;
            lock (sync)
            {
                if (run == null) return;
                run.Cancel();
                run = null;
                t = transport;
                State = ConnectionState.Idle;
            }
            if (t != null) t.Close(code, reason);
        }

        /// <summary>The next failure waits the policy's first delay again (call on a successful welcome).</summary>
        public void ResetBackoff()
        {
            lock (sync)
                failures = 0;
        }

        public void Dispose()
        {
            Close(1001, "client going away");
        }

        private async Task Run(CancellationToken stop)
        {
            int attempt = 0;
            while (!stop.IsCancellationRequested)
            {
                string gateway;
                lock (sync)
                {
                    gateway = gateways[gatewayIndex % gateways.Count];
                    CurrentGateway = gateway;
                    if (!stop.IsCancellationRequested) State = ConnectionState.Connecting;
                }
                attempt++;
                int attemptNumber = attempt;
                Post(() => Raise(Connecting, gateway, attemptNumber));

                var t = transportFactory();
                var closed = new TaskCompletionSource<DisconnectInfo>();
                t.Closed += (code, reason) => closed.TrySetResult(new DisconnectInfo { Gateway = gateway, Code = code, Reason = reason });
                // The transport may start receiving before ConnectAsync returns; frames that
                // come before Opened is posted wait for it, so a game always sees Opened first.
                var early = new EarlyFrames();
                t.MessageReceived += bytes =>
                {
                    if (!early.Hold(bytes)) Deliver(t, bytes);
                };

                TransportException failure = null;
                try
                {
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        timeout.CancelAfter(ConnectTimeout);
                        await t.ConnectAsync(urlFor(gateway), timeout.Token).ConfigureAwait(false);
                    }
                }
                catch (TransportException e)
                {
                    failure = e;
                }
                catch (Exception e)
                {
                    failure = new TransportException("connecting to " + gateway + " failed: " + e.Message, 0, e);
                }

                TimeSpan? delay;
                Action report;
                if (failure != null)
                {
                    t.Dispose();
                    if (stop.IsCancellationRequested) return;
                    delay = policy.ShouldRetry(failure.HttpStatus) ? NextDelay() : null;
                    var info = new ConnectFailure { Gateway = gateway, Error = failure, WillRetry = delay.HasValue };
                    report = () => Raise(ConnectFailed, info);
                }
                else
                {
                    bool stillWanted;
                    lock (sync)
                    {
                        stillWanted = !stop.IsCancellationRequested;
                        if (stillWanted)
                        {
                            transport = t;
                            State = ConnectionState.Open;
                        }
                    }
                    if (!stillWanted)
                    {
                        t.Close(1000, "client closed");
                        t.Dispose();
                        return;
                    }
                    attempt = 0;
                    Post(() => Raise(Opened, gateway), true);
                    early.Release(bytes => Deliver(t, bytes));
                    DisconnectInfo info = await closed.Task.ConfigureAwait(false);
                    bool overflow;
                    lock (sync)
                    {
                        if (transport == t) transport = null;
                        overflow = overflowed;
                    }
                    t.Dispose();
                    if (overflow)
                    {
                        info.Reason = "event queue full: call Poll() every frame, or use DispatchMode.Background (" + info.Reason + ")";
                        delay = null;
                    }
                    else
                        delay = !stop.IsCancellationRequested && policy.ShouldReconnect(info.Code) ? NextDelay() : null;
                    info.WillReconnect = delay.HasValue;
                    report = () => Raise(Disconnected, info);
                }

                // The state is settled before handlers hear of it: a final event finds State == Closed.
                bool final;
                lock (sync)
                {
                    gatewayIndex++;
                    final = stop.IsCancellationRequested || !delay.HasValue;
                    if (!stop.IsCancellationRequested)
                    {
                        State = delay.HasValue ? ConnectionState.WaitingToReconnect : ConnectionState.Closed;
                        if (!delay.HasValue) run = null;
                    }
                }
                Post(report, true);
                if (final) return;
                try
                {
                    await Task.Delay(delay.Value, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private TimeSpan? NextDelay()
        {
            int n;
            lock (sync)
                n = ++failures;
            return policy.NextDelay(n);
        }

        /// <summary>Runs on the transport's receive thread.</summary>
        private void Deliver(IWebSocketTransport t, byte[] frame)
        {
            double receivedAt = TimeSync.LocalNowMs();
            if (Post(() => Raise(FrameReceived, frame, receivedAt))) return;
            // The game stopped polling: close rather than lose a frame and drift out of sync.
            lock (sync)
            {
                if (overflowed) return;
                overflowed = true;
            }
            t.Close(1000, "client event queue full");
        }

        /// <summary>Holds the frames a transport delivers before its connection posted Opened.</summary>
        private sealed class EarlyFrames
        {
            private List<byte[]> held = new List<byte[]>();

            /// <summary>True when the frame was held: Opened is not posted yet.</summary>
            public bool Hold(byte[] frame)
            {
                lock (this)
                {
                    if (held == null) return false;
                    held.Add(frame);
                    return true;
                }
            }

            /// <summary>Delivers the held frames in order; later frames go straight through.</summary>
            public void Release(Action<byte[]> deliver)
            {
                // Delivered under the lock: a frame arriving meanwhile waits in Hold, keeping the order.
                lock (this)
                {
                    foreach (byte[] frame in held) deliver(frame);
                    held = null;
                }
            }
        }

        private bool Post(Action action, bool urgent = false)
        {
            return dispatcher.Post(action, urgent);
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
