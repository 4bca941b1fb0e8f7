// ArenaClientOptions: how an ArenaClient connects (gateways, token), delivers its events, and
// reconnects; the defaults suit a game.
using System;
using System.Collections.Generic;
using Arena.Client.MsgPack;
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
}
