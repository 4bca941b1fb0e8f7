// GatewayConnection and ArenaClient logic over ScriptedTransport: gateway order, backoff and
// when to stop, event delivery on the polling thread, the bounded event queue, the resume
// token on reconnect, pings and time sync, undecodable frames.
using System;
using System.Collections.Generic;
using System.Threading;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;
using Arena.Client.Transport;

namespace Arena.Client.Tests
{
    public sealed class ConnectionTests
    {
        private static readonly string[] Gateways = { "ws://a/ws", "ws://b/ws", "ws://c/ws" };

        private static ReconnectPolicy Fast(int maxAttempts = 0)
        {
            return new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = maxAttempts };
        }

        private static GatewayConnection Connection(ScriptedGateways gateways, EventLog log, ReconnectPolicy policy, EventDispatcher dispatcher = null)
        {
            var c = new GatewayConnection(Gateways, gw => new Uri(gw + "?token=t"), dispatcher ?? new EventDispatcher(DispatchMode.Background), policy, gateways.Create);
            c.Connecting += (gw, n) => log.Add("connecting " + gw + " " + n);
            c.Opened += gw => log.Add("opened " + gw);
            c.ConnectFailed += f => log.Add("failed " + f.Gateway + " " + f.Error.HttpStatus + " retry=" + f.WillRetry);
            c.Disconnected += d => log.Add("disconnected " + d.Code + " reconnect=" + d.WillReconnect + " " + d.Reason);
            c.FrameReceived += (bytes, at) => log.Add("frame " + Assert.ToHex(bytes));
            return c;
        }

        private static TransportException Refused(int status)
        {
            return new TransportException("refused", status, null);
        }

        [Test]
        public void TriesTheGatewaysInOrderAndMovesOnAfterALostConnection()
        {
            var gateways = new ScriptedGateways(uri => uri.Host == "a" ? Refused(0) : null);
            var log = new EventLog();
            var c = Connection(gateways, log, Fast());
            c.Open();
            Assert.Equal("connecting ws://a/ws 1", log.WaitFor("connecting"));
            Assert.Equal("failed ws://a/ws 0 retry=True", log.WaitFor("failed"));
            Assert.Equal("connecting ws://b/ws 2", log.WaitFor("connecting"));
            Assert.Equal("opened ws://b/ws", log.WaitFor("opened"));
            gateways.Next("a");
            ScriptedTransport b = gateways.Next("b");
            Assert.Equal("ws://b/ws?token=t", b.Uri.ToString(), "the URL the connection used");
            Assert.Equal(ConnectionState.Open, c.State);

            b.Deliver(new byte[] { 0x91, 0x01 });
            Assert.Equal("frame 9101", log.WaitFor("frame"));
            Assert.True(c.Send(new byte[] { 7 }), "send while open");
            Assert.Hex("07", b.Sent.Take());

            b.ServerClose(1006, "connection lost");
            Assert.Equal("disconnected 1006 reconnect=True connection lost", log.WaitFor("disconnected"));
            Assert.Equal("connecting ws://c/ws 1", log.WaitFor("connecting"), "the next gateway, attempts counted afresh");
            Assert.Equal("opened ws://c/ws", log.WaitFor("opened"));
            c.Close();
            Assert.Equal("disconnected 1000 reconnect=False client closed", log.WaitFor("disconnected"));
            Assert.Equal(ConnectionState.Idle, c.State);
        }

        [Test]
        public void SupersededAndFloodClosesAreFinal()
        {
            foreach (int code in new[] { CloseCodes.Superseded, CloseCodes.Flood })
            {
                var gateways = new ScriptedGateways();
                var log = new EventLog();
                var c = Connection(gateways, log, Fast());
                c.Open();
                log.WaitFor("opened");
                gateways.Next("a").ServerClose(code, "bye");
                Assert.Equal("disconnected " + code + " reconnect=False bye", log.WaitFor("disconnected"));
                Assert.Equal(ConnectionState.Closed, c.State, "after " + code);
                Assert.False(c.Send(new byte[] { 1 }), "no send after the end");
                Assert.Equal(1L, c.DroppedSends, "the refused send is counted");
            }
        }

        [Test]
        public void ABadTokenOrVersionIsNotRetried()
        {
            foreach (int status in new[] { 401, 426 })
            {
                var gateways = new ScriptedGateways(_ => Refused(status));
                var log = new EventLog();
                var c = Connection(gateways, log, Fast());
                c.Open();
                Assert.Equal("failed ws://a/ws " + status + " retry=False", log.WaitFor("failed"));
                Assert.Equal(ConnectionState.Closed, c.State);
                Assert.Equal(1, gateways.Created.Count, "one attempt only");
            }
            // A full or stopping gateway (503) is worth the next one.
            var busy = new ScriptedGateways(uri => uri.Host == "a" ? Refused(503) : null);
            var busyLog = new EventLog();
            Connection(busy, busyLog, Fast()).Open();
            Assert.Equal("failed ws://a/ws 503 retry=True", busyLog.WaitFor("failed"));
            Assert.Equal("opened ws://b/ws", busyLog.WaitFor("opened"));
        }

        [Test]
        public void GivesUpAfterMaxAttempts()
        {
            var gateways = new ScriptedGateways(_ => Refused(0));
            var log = new EventLog();
            var c = Connection(gateways, log, Fast(maxAttempts: 4));
            c.Open();
            for (int i = 1; i <= 3; i++)
                Assert.Equal("failed " + Gateways[(i - 1) % 3] + " 0 retry=True", log.WaitFor("failed"), "attempt " + i);
            Assert.Equal("failed ws://a/ws 0 retry=False", log.WaitFor("failed"), "attempt 4 wraps to the first gateway and is the last");
            Assert.Equal(ConnectionState.Closed, c.State);
        }

        [Test]
        public void CloseWhileWaitingToReconnectStopsTheAttempts()
        {
            var gateways = new ScriptedGateways(_ => Refused(0));
            var log = new EventLog();
            var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(30), Jitter = 0 };
            var c = Connection(gateways, log, policy);
            c.Open();
            log.WaitFor("failed");
            c.Close();
            Assert.Equal(ConnectionState.Idle, c.State);
            c.Open(); // a new run starts from the next gateway at once
            Assert.Equal("connecting ws://b/ws 1", log.WaitFor("connecting ws://b"));
        }

        [Test]
        public void PollModeRunsEventsOnThePollingThreadOnly()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var dispatcher = new EventDispatcher(DispatchMode.Poll);
            var c = Connection(gateways, log, Fast(), dispatcher);
            int pollingThread = Thread.CurrentThread.ManagedThreadId;
            int wrongThread = 0;
            c.FrameReceived += (bytes, at) =>
            {
                if (Thread.CurrentThread.ManagedThreadId != pollingThread) wrongThread++;
            };
            c.Open();
            ScriptedTransport t = gateways.Next("a");
            for (int i = 0; i < 5; i++)
                t.Deliver(new byte[] { (byte)i });
            Assert.Equal(0, log.All.Count, "nothing runs before Poll()");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (log.All.Count < 7 && DateTime.UtcNow < deadline)
                dispatcher.Poll();
            Assert.Equal("connecting ws://a/ws 1|opened ws://a/ws|frame 00|frame 01|frame 02|frame 03|frame 04", string.Join("|", log.All));
            Assert.Equal(0, wrongThread, "events that ran on another thread");
        }

        [Test]
        public void FramesReceivedWhileConnectingComeAfterOpened()
        {
            // Regression: the real transport starts its receive loop inside ConnectAsync, so the
            // welcome could be posted before Opened (a CI run saw "frame 00" before "opened").
            var gateways = new ScriptedGateways(null, new[] { new byte[] { 0 }, new byte[] { 1 } });
            var log = new EventLog();
            var dispatcher = new EventDispatcher(DispatchMode.Poll);
            var c = Connection(gateways, log, Fast(), dispatcher);
            c.Open();
            gateways.NextConnected("a").Deliver(new byte[] { 2 });
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (log.All.Count < 5 && DateTime.UtcNow < deadline)
                dispatcher.Poll();
            Assert.Equal("connecting ws://a/ws 1|opened ws://a/ws|frame 00|frame 01|frame 02", string.Join("|", log.All));
        }

        [Test]
        public void AGameThatStopsPollingIsDisconnectedNotFedForever()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var dispatcher = new EventDispatcher(DispatchMode.Poll, maxQueued: 8);
            var c = Connection(gateways, log, Fast(), dispatcher);
            c.Open();
            ScriptedTransport t = gateways.Next("a");
            for (int i = 0; i < 20; i++)
                t.Deliver(new byte[] { (byte)i });
            // Frames that came before the connection posted Opened are posted by the connection's
            // own thread once it has (EarlyFrames), so the overflow may come just after Deliver
            // returns: wait for it (nothing polls meanwhile, so it must come). Checking at once
            // failed about 1 run in 5 on a loaded machine.
            Assert.True(SpinWait.SpinUntil(() => dispatcher.Dropped >= 1, TimeSpan.FromSeconds(10)), "the overflowing frame was counted");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!log.All.Exists(e => e.StartsWith("disconnected", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
                dispatcher.Poll();
            string disconnected = log.All.Find(e => e.StartsWith("disconnected", StringComparison.Ordinal));
            Assert.Contains("reconnect=False event queue full", disconnected);
            Assert.Equal(ConnectionState.Closed, c.State);
        }

        [Test]
        public void ReconnectPolicyDelaysGrowWithJitterAndCap()
        {
            var p = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1), Multiplier = 2, Jitter = 0.2 };
            double[] expected = { 100, 200, 400, 800, 1000, 1000 };
            for (int i = 0; i < expected.Length; i++)
            {
                double ms = p.NextDelay(i + 1).Value.TotalMilliseconds;
                Assert.True(ms >= expected[i] * 0.8 && ms <= expected[i] * 1.2, "delay " + (i + 1) + " = " + ms + " ms");
            }
            Assert.True(new ReconnectPolicy { MaxAttempts = 3 }.NextDelay(3) == null, "gives up at MaxAttempts");
            Assert.True(new ReconnectPolicy { Enabled = false }.NextDelay(1) == null, "disabled");
            Assert.True(p.ShouldReconnect(1006) && p.ShouldReconnect(1012) && p.ShouldReconnect(1000), "ordinary closes reconnect");
            Assert.False(p.ShouldReconnect(4002) || p.ShouldReconnect(4003), "superseded and flood do not");
            Assert.True(p.ShouldRetry(0) && p.ShouldRetry(503) && p.ShouldRetry(500), "retry");
            Assert.False(p.ShouldRetry(401) || p.ShouldRetry(426) || p.ShouldRetry(400) || p.ShouldRetry(403), "no retry");
        }

        [Test]
        public void DispatcherBackgroundModeRunsAtOnceAndReportsHandlerErrors()
        {
            var d = new EventDispatcher(DispatchMode.Background);
            Exception reported = null;
            d.HandlerFailed += e => reported = e;
            int ran = 0;
            Assert.True(d.Post(() => ran++), "posted");
            Assert.Equal(1, ran, "ran at once");
            d.Post(() => { throw new InvalidOperationException("boom"); });
            Assert.Equal("boom", reported.Message);
            Assert.Equal(0, d.Poll(), "Poll has nothing to do in Background mode");
        }

        [Test]
        public void DispatcherPollModeIsBoundedButUrgentEventsPass()
        {
            var d = new EventDispatcher(DispatchMode.Poll, maxQueued: 2);
            var order = new List<int>();
            Assert.True(d.Post(() => order.Add(1)), "first");
            Assert.True(d.Post(() => order.Add(2)), "second");
            Assert.False(d.Post(() => order.Add(3)), "over the bound");
            Assert.True(d.Post(() => order.Add(4), urgent: true), "urgent passes");
            Assert.Equal(1L, d.Dropped);
            Assert.Equal(3, d.Pending);
            Assert.Equal(2, d.Poll(2), "Poll(max) runs at most max");
            Assert.Equal(1, d.Poll());
            Assert.Equal("1,2,4", string.Join(",", order));
            // A handler that throws surfaces in Poll; the rest stay queued.
            d.Post(() => { throw new InvalidOperationException("handler"); });
            d.Post(() => order.Add(5));
            Assert.Throws<InvalidOperationException>(() => d.Poll());
            Assert.Equal(1, d.Poll());
            Assert.Equal("1,2,4,5", string.Join(",", order));
        }

        [Test]
        public void TimeSyncUsesTheFastestRecentRoundTrip()
        {
            var t = new TimeSync();
            Assert.False(t.HasSample, "no sample yet");
            // Server clock 1000 ms ahead; a slow pong (rtt 300, asymmetric) and a fast one (rtt 10).
            t.AddSample(10000, 11250, 10300);
            t.AddSample(20000, 21005, 20010);
            Assert.Equal(10.0, t.RoundTripMs);
            Assert.Equal(1000.0, t.OffsetMs, "offset from the 10 ms sample");
            t.AddSample(30000, 31400, 30500);
            Assert.Equal(1000.0, t.OffsetMs, "a slower sample does not move it");
            Assert.True(Math.Abs(t.ServerNowMs - (TimeSync.LocalNowMs() + 1000)) < 1000, "ServerNowMs = local + offset");
        }

        // ArenaClient over a scripted gateway.

        private static byte[] Frame(params object[] fields)
        {
            return MsgPackWriter.Encode(fields);
        }

        private static ArenaClient Client(ScriptedGateways gateways, EventLog log)
        {
            var client = new ArenaClient(
                new ArenaClientOptions
                {
                    Gateways = Gateways,
                    Token = "session-token",
                    Dispatch = DispatchMode.Background,
                    Reconnect = Fast(),
                    PingInterval = TimeSpan.Zero,
                    TransportFactory = gateways.Create,
                }
            );
            client.Welcomed += w => log.Add("welcome " + w.PlayerId + " " + w.GatewayId);
            client.PongReceived += rtt => log.Add("pong");
            client.ErrorReceived += e => log.Add("error " + e.Code);
            client.ProtocolError += e => log.Add("protocol " + e.Code);
            client.MessageReceived += m => log.Add("message " + m.Type);
            client.Disconnected += d => log.Add("disconnected " + d.Code);
            return client;
        }

        [Test]
        public void ClientConnectsWithVersionAndTokenThenReconnectsWithTheResumeToken()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = Client(gateways, log);
            var connected = client.ConnectAsync();
            ScriptedTransport a = gateways.NextConnected("a");
            Assert.Equal("ws://a/ws?v=1&token=session-token", a.Uri.ToString(), "first URL");
            a.Deliver(Frame(ServerType.Welcome, 1, "g-1", "gw-a", "resume+/1"));
            Assert.Equal("welcome g-1 gw-a", log.WaitFor("welcome"));
            Assert.True(connected.Wait(TimeSpan.FromSeconds(10)), "ConnectAsync completed");
            Assert.Equal("g-1", connected.Result.PlayerId);
            Assert.True(client.IsConnected, "connected");

            // The welcome triggers a first ping for the clock.
            var ping = (object[])MsgPackReader.Decode(a.Sent.Take());
            Assert.Equal((object)(long)ClientType.Ping, ping[0]);
            a.Deliver(Frame(ServerType.Pong, ping[1], 1700000000000.0));
            log.WaitFor("pong");
            Assert.True(client.Time.HasSample, "time sync has a sample");

            a.ServerClose(1006, "lost");
            log.WaitFor("disconnected 1006");
            Assert.False(client.IsConnected, "not connected after the close");
            ScriptedTransport b = gateways.NextConnected("b");
            Assert.Equal("ws://b/ws?v=1&token=resume%2B%2F1", b.Uri.ToString(), "reconnects with the escaped resume token");
            client.Close();
        }

        [Test]
        public void ClientFallsBackToTheLoginTokenWhenTheResumeTokenIsRefused()
        {
            // The resume token is short-lived: a gateway answers 401 once it has expired.
            var gateways = new ScriptedGateways(uri => uri.Query.Contains("token=resume") ? Refused(401) : null);
            var log = new EventLog();
            var client = Client(gateways, log);
            client.Connect();
            ScriptedTransport a = gateways.NextConnected("a");
            a.Deliver(Frame(ServerType.Welcome, 1, "g-1", "gw-a", "resume-1"));
            log.WaitFor("welcome");
            a.ServerClose(1006, "lost");
            log.WaitFor("disconnected 1006");
            ScriptedTransport b = gateways.Next("b");
            ScriptedTransport c = gateways.NextConnected("c");
            Assert.Equal("ws://b/ws?v=1&token=resume-1", b.Uri.ToString(), "tries the resume token first");
            Assert.Equal("ws://c/ws?v=1&token=session-token", c.Uri.ToString(), "then the login token");
            c.Deliver(Frame(ServerType.Welcome, 1, "g-1", "gw-c", "resume-2"));
            Assert.Equal("welcome g-1 gw-c", log.WaitFor("welcome"));
            Assert.True(client.IsConnected, "connected again");
            client.Close();
        }

        [Test]
        public void ClientSkipsUndecodableFramesAndKeepsGoing()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = Client(gateways, log);
            client.Connect();
            ScriptedTransport a = gateways.Next("a");
            a.Deliver(new byte[] { 0xc1 });
            Assert.Equal("protocol bad_frame", log.WaitFor("protocol"));
            a.Deliver(Frame(199));
            Assert.Equal("protocol unknown_type", log.WaitFor("protocol"));
            a.Deliver(Frame(ServerType.Error, "room_full", "full"));
            Assert.Equal("error room_full", log.WaitFor("error"));
            Assert.Equal("message error", log.WaitFor("message"));
            Assert.Equal(2L, client.ProtocolErrors);
            Assert.Equal(ConnectionState.Open, client.State);
            client.Close();
        }

        [Test]
        public void ClientSendsTheCurrentProtocolsFrames()
        {
            var gateways = new ScriptedGateways();
            var log = new EventLog();
            var client = Client(gateways, log);
            client.Connect();
            ScriptedTransport a = gateways.Next("a");
            a.Deliver(Frame(ServerType.Welcome, 1, "g-1", "gw-a", "r"));
            log.WaitFor("welcome");
            a.Sent.Take(); // the first ping
            Assert.Equal(1u, client.SendInput(new Dictionary<string, object> { { "mx", 1 } }));
            Assert.Equal(2u, client.SendInput(null));
            client.Join("room-1", 2);
            client.Queue("duel.eu");
            Assert.Hex("930201" + "81a26d7801", a.Sent.Take(), "input 1");
            Assert.Hex("930202c0", a.Sent.Take(), "input 2");
            Assert.Hex("9301a6726f6f6d2d3181a4626f747302", a.Sent.Take(), "join");
            Assert.Hex("930aa76475656c2e657590", a.Sent.Take(), "queue");
            client.Close();
        }

        [Test]
        public void ClientOptionsAreChecked()
        {
            Assert.Throws<ArgumentException>(() => new ArenaClient(new ArenaClientOptions { Gateways = new string[0], Token = "t" }));
            Assert.Throws<ArgumentException>(() => new ArenaClient(new ArenaClientOptions { Gateways = Gateways, Token = "" }));
            Assert.Equal("http://127.0.0.1:8080", GuestLogin.HttpBaseOf("ws://127.0.0.1:8080/ws"));
            Assert.Equal("https://play.example.com", GuestLogin.HttpBaseOf("wss://play.example.com/ws"));
        }
    }
}
