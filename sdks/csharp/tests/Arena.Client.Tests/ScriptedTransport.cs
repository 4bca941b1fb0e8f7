// ScriptedTransport: an in-memory IWebSocketTransport whose "gateway" the test plays, to check
// GatewayConnection's and ArenaClient's logic (gateway order, backoff, close codes, event
// delivery) where a real gateway cannot be told to misbehave on cue. The real transport
// against real gateways is tested end to end (test/integration/csharp-sdk.test.ts).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Arena.Client.Transport;

namespace Arena.Client.Tests
{
    public sealed class ScriptedTransport : IWebSocketTransport
    {
        public event Action<byte[]> MessageReceived;
        public event Action<int, string> Closed;

        public Uri Uri;

        /// <summary>Set once the connection's connect succeeded (its handlers are attached by then).</summary>
        public readonly ManualResetEventSlim Connected = new ManualResetEventSlim();
        public readonly BlockingCollection<byte[]> Sent = new BlockingCollection<byte[]>();
        private readonly Func<Uri, TransportException> refuse;
        /// <summary>Frames "received" inside ConnectAsync, before it returns: the real transport's receive loop starts there.</summary>
        public byte[][] FramesDuringConnect = new byte[0][];
        private int closed;
        private volatile bool open;

        /// <param name="refuse">Given the URL, the error to fail the connect with, or null to accept.</param>
        public ScriptedTransport(Func<Uri, TransportException> refuse)
        {
            this.refuse = refuse;
        }

        public Task ConnectAsync(Uri uri, CancellationToken cancellation)
        {
            Uri = uri;
            TransportException error = refuse(uri);
            if (error != null)
            {
                var failed = new TaskCompletionSource<bool>();
                failed.SetException(error);
                return failed.Task;
            }
            open = true;
            foreach (byte[] frame in FramesDuringConnect) MessageReceived(frame);
            Connected.Set();
            return Task.FromResult(true);
        }

        public bool Send(byte[] frame)
        {
            if (!open) return false;
            Sent.Add(frame);
            return true;
        }

        public void Close(int code, string reason)
        {
            ServerClose(code, reason);
        }

        /// <summary>The gateway sends a frame.</summary>
        public void Deliver(byte[] frame)
        {
            if (!Connected.Wait(TimeSpan.FromSeconds(10))) throw new AssertionException("the transport was never connected");
            MessageReceived(frame);
        }

        /// <summary>The connection ends (the gateway closed it, or it broke: 1006).</summary>
        public void ServerClose(int code, string reason)
        {
            if (Interlocked.Exchange(ref closed, 1) == 1) return;
            open = false;
            // As the real transport: Closed is raised from a background thread.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                var handler = Closed;
                if (handler != null) handler(code, reason);
            });
        }

        public void Dispose()
        {
            open = false;
        }
    }

    /// <summary>Makes ScriptedTransports and hands each to the test as it is created.</summary>
    public sealed class ScriptedGateways
    {
        public readonly BlockingCollection<ScriptedTransport> Created = new BlockingCollection<ScriptedTransport>();
        private readonly Func<Uri, TransportException> refuse;
        private readonly byte[][] framesDuringConnect;

        public ScriptedGateways(Func<Uri, TransportException> refuse = null, byte[][] framesDuringConnect = null)
        {
            this.refuse = refuse ?? (_ => null);
            this.framesDuringConnect = framesDuringConnect ?? new byte[0][];
        }

        public IWebSocketTransport Create()
        {
            var t = new ScriptedTransport(refuse) { FramesDuringConnect = framesDuringConnect };
            Created.Add(t);
            return t;
        }

        /// <summary>The next transport the connection creates (and connects), within a deadline.</summary>
        public ScriptedTransport Next(string what)
        {
            ScriptedTransport t;
            if (!Created.TryTake(out t, TimeSpan.FromSeconds(10))) Assert.Fail("timed out waiting for " + what);
            return t;
        }

        /// <summary>The next transport, once the connection has connected it (so its Uri is set).</summary>
        public ScriptedTransport NextConnected(string what)
        {
            ScriptedTransport t = Next(what);
            if (!t.Connected.Wait(TimeSpan.FromSeconds(10))) Assert.Fail("timed out waiting for " + what + " to connect");
            return t;
        }
    }

    /// <summary>Events recorded in order, with a deadline-bound wait for the next one.</summary>
    public sealed class EventLog
    {
        private readonly BlockingCollection<string> events = new BlockingCollection<string>();
        public readonly List<string> All = new List<string>();

        public void Add(string e)
        {
            lock (All)
                All.Add(e);
            events.Add(e);
        }

        /// <summary>Skips events until one starts with prefix; fails after the deadline.</summary>
        public string WaitFor(string prefix, double seconds = 10)
        {
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            while (true)
            {
                string e;
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left < TimeSpan.Zero || !events.TryTake(out e, left))
                {
                    lock (All)
                        throw new AssertionException("timed out waiting for an event starting with \"" + prefix + "\"; saw: " + string.Join(" | ", All));
                }
                if (e.StartsWith(prefix, StringComparison.Ordinal)) return e;
            }
        }
    }
}
