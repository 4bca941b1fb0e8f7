// Arena.Smoke: a C# game client process for the end-to-end tests (test/integration/csharp-sdk.test.ts).
//   mono Arena.Smoke.exe --http http://127.0.0.1:P --gateways ws://a/ws,ws://b/ws --welcomes 2
//   mono Arena.Smoke.exe --http ... --gateways ... --token bad      (expects a refused connect)
//   mono Arena.Smoke.exe --scenario duel --http ... --gateways ... --queue duel.eu   (DuelClient.cs)
// It runs the way a game does: a main loop that calls Update() about 100 times a second, with
// every event handled on that thread. Each event is printed as one JSON line on stdout; the
// test reads them as they come. It exits 0 once it saw what it was told to expect, 1 on a
// failure (printed as {"event":"fail",...}), and gives up after --deadline-s seconds.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Arena.Client;
using Arena.Client.Protocol;

namespace Arena.Smoke
{
    public static class SmokeClient
    {
        public static int Main(string[] args)
        {
            var opts = ParseArgs(args);
            if (Get(opts, "scenario", "connect") == "duel") return DuelClient.Run(opts);
            string http = opts["http"];
            var gateways = new List<string>(opts["gateways"].Split(','));
            int welcomesWanted = int.Parse(Get(opts, "welcomes", "1"), CultureInfo.InvariantCulture);
            double deadlineS = double.Parse(Get(opts, "deadline-s", "45"), CultureInfo.InvariantCulture);
            string badToken = Get(opts, "token", null);
            int mainThread = Thread.CurrentThread.ManagedThreadId;

            string token = badToken;
            if (token == null)
            {
                GuestSession session = GuestLogin.LoginAsync(http, "csharp").GetAwaiter().GetResult();
                Out.Print("login", "playerId", session.PlayerId);
                token = session.Token;
            }

            var client = new ArenaClient(
                new ArenaClientOptions
                {
                    Gateways = gateways,
                    Token = token,
                    Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
                    PingInterval = TimeSpan.FromMilliseconds(500),
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                }
            );
            int welcomes = 0;
            int pongsSinceWelcome = 0;
            string failure = null;
            bool done = false;
            Action onMain = () =>
            {
                if (Thread.CurrentThread.ManagedThreadId != mainThread) failure = "an event ran off the main thread";
            };

            client.Connecting += (gw, n) =>
            {
                onMain();
                Out.Print("connecting", "gateway", gw, "attempt", n);
            };
            client.ConnectFailed += f =>
            {
                onMain();
                Out.Print("connect_failed", "gateway", f.Gateway, "status", f.Error.HttpStatus, "willRetry", f.WillRetry, "message", f.Error.Message);
                if (badToken != null && !f.WillRetry) done = true;
            };
            client.Welcomed += w =>
            {
                onMain();
                welcomes++;
                pongsSinceWelcome = 0;
                Out.Print("welcome", "playerId", w.PlayerId, "gatewayId", w.GatewayId, "protocolVersion", w.ProtocolVersion);
            };
            client.PongReceived += rtt =>
            {
                onMain();
                pongsSinceWelcome++;
                if (pongsSinceWelcome > 1) return; // one line per welcome is enough
                Out.Print("pong", "rttMs", rtt, "offsetMs", client.Time.OffsetMs, "gatewayId", client.GatewayId);
                if (welcomes >= welcomesWanted) done = true;
            };
            client.Disconnected += d =>
            {
                onMain();
                Out.Print("disconnected", "code", d.Code, "reason", d.Reason, "willReconnect", d.WillReconnect);
            };
            client.ErrorReceived += e => Out.Print("server_error", "code", e.Code, "message", e.Message);
            client.ProtocolError += e => failure = "protocol error: " + e.Message;

            client.Connect();
            var clock = Stopwatch.StartNew();
            while (!done && failure == null)
            {
                if (clock.Elapsed.TotalSeconds > deadlineS)
                {
                    failure = "deadline of " + deadlineS + " s passed with " + welcomes + " welcome(s), state " + client.State;
                    break;
                }
                client.Update();
                Thread.Sleep(10);
            }
            client.Close();
            if (failure != null)
            {
                Out.Print("fail", "message", failure);
                return 1;
            }
            Out.Print("done", "welcomes", welcomes, "protocolErrors", client.ProtocolErrors);
            return 0;
        }

        internal static Dictionary<string, string> ParseArgs(string[] args)
        {
            var opts = new Dictionary<string, string>();
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException("expected --name value, got " + args[i]);
                opts[args[i].Substring(2)] = args[i + 1];
            }
            return opts;
        }

        internal static string Get(Dictionary<string, string> opts, string key, string fallback)
        {
            string v;
            return opts.TryGetValue(key, out v) ? v : fallback;
        }
    }
}
