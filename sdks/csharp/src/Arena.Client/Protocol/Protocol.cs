// Arena wire protocol, version 1: every message a client sends or receives, in one file so that
// it follows shared/protocol (client-messages.ts, server-messages.ts, errors.ts) as it changes.
//   byte[] frame = ClientMessages.Ping(clientTimeMs);
//   ServerMessage m = ServerMessages.Decode(frameBytes);   // throws ProtocolException
//   var pong = m as Pong; if (pong != null) { ... }
//
// A frame is one msgpack array: an integer type tag, then positional fields. Server frames
// are checked as strictly as the TypeScript client's parseServerMessage checks them; what it
// refuses, Decode refuses with a ProtocolException whose Code says why:
//   bad_frame     not msgpack, an extension type, over a limit, or not an array with an integer tag
//   unknown_type  a type tag this SDK does not know
//   bad_request   a known type with fields of the wrong type
// The shared test vectors (shared/protocol/test-vectors.json) pin these rules on both sides.
using System;
using System.Collections.Generic;
using Arena.Client.MsgPack;

namespace Arena.Client.Protocol
{
    public static class ProtocolVersion
    {
        /// <summary>Sent as ?v= when connecting; the gateway answers 426 to a version it does not speak.</summary>
        public const int Current = 1;
    }

    /// <summary>Type tags of frames a client sends (shared/protocol/client-messages.ts).</summary>
    public static class ClientType
    {
        public const int JoinRoom = 1;
        public const int Input = 2;
        public const int LeaveRoom = 3;
        public const int Ping = 4;
        public const int Queue = 10;
        public const int CancelQueue = 11;
        public const int PartyAccept = 12;
        public const int PartyWithdraw = 13;
        public const int Leaderboard = 20;
    }

    /// <summary>Type tags of frames a gateway sends (shared/protocol/server-messages.ts).</summary>
    public static class ServerType
    {
        public const int Welcome = 100;
        public const int Joined = 101;
        public const int State = 102;
        public const int RoomEnded = 103;
        public const int Error = 104;
        public const int Pong = 105;
        public const int Left = 106;
        public const int GameMessage = 107;
        public const int Queued = 110;
        public const int MatchFound = 111;
        public const int QueueEnded = 112;
        public const int PartyAccepted = 113;
        public const int PartyWithdrawn = 114;
        public const int Leaderboard = 120;
    }

    /// <summary>Codes of Error frames (shared/protocol/errors.ts), and of ProtocolException.</summary>
    public static class ErrorCodes
    {
        public const string BadFrame = "bad_frame";
        public const string UnknownType = "unknown_type";
        public const string RateLimited = "rate_limited";
        public const string BadRequest = "bad_request";
        public const string NotInRoom = "not_in_room";
        public const string AlreadyInRoom = "already_in_room";
        public const string RoomFull = "room_full";
        public const string RoomEnded = "room_ended";
        public const string RoomUnavailable = "room_unavailable";
        public const string NotInRoster = "not_in_roster";
        public const string UnknownQueue = "unknown_queue";
        public const string AlreadyQueued = "already_queued";
        public const string AlreadyMatched = "already_matched";
        public const string NotQueued = "not_queued";
        public const string BadInput = "bad_input";
        public const string Internal = "internal";
    }

    /// <summary>WebSocket close codes the gateway uses.</summary>
    public static class CloseCodes
    {
        public const int Normal = 1000;
        public const int GoingAway = 1001;
        public const int PolicyViolation = 1008;
        public const int MessageTooBig = 1009;
        public const int ServiceRestart = 1012;
        /// <summary>The same player connected elsewhere: do not reconnect.</summary>
        public const int Superseded = 4002;
        /// <summary>Too many messages: do not reconnect.</summary>
        public const int Flood = 4003;
        public const int SlowConsumer = 4004;
    }

    /// <summary>A server frame this SDK cannot accept; Code is one of bad_frame, unknown_type, bad_request.</summary>
    public sealed class ProtocolException : Exception
    {
        public string Code { get; private set; }

        public ProtocolException(string code, string message, Exception inner = null)
            : base(code + ": " + message, inner)
        {
            Code = code;
        }
    }

    /// <summary>Encoders of every client frame (the gateway's parseClientMessage reads them).</summary>
    public static class ClientMessages
    {
        public const int MaxBotsPerRoom = 7;
        public const int MaxPartyMembers = 15;

        /// <summary>Join (or create, with server-side bots) a room.</summary>
        public static byte[] Join(string roomId, int bots = 0)
        {
            return Join(roomId, new JoinOptions { Bots = bots });
        }

        /// <summary>Join a room, or create it with these options (only the options set go on the wire).</summary>
        public static byte[] Join(string roomId, JoinOptions options)
        {
            if (options == null) options = new JoinOptions();
            var w = Frame(ClientType.JoinRoom, 3);
            w.WriteString(roomId);
            w.WriteMapHeader(1 + (options.Game != null ? 1 : 0) + (options.Options != null ? 1 : 0));
            w.WriteString("bots");
            w.WriteInt64(options.Bots);
            if (options.Game != null)
            {
                w.WriteString("game");
                w.WriteString(options.Game);
            }
            if (options.Options != null)
            {
                w.WriteString("options");
                w.WriteValue(options.Options);
            }
            return w.ToArray();
        }

        /// <summary>An input for the next tick; input is a value tree (see MsgPackWriter.WriteValue).</summary>
        public static byte[] Input(uint seq, object input)
        {
            var w = Frame(ClientType.Input, 3);
            w.WriteUInt64(seq);
            w.WriteValue(input);
            return w.ToArray();
        }

        public static byte[] Leave()
        {
            return Frame(ClientType.LeaveRoom, 1).ToArray();
        }

        /// <summary>clientTime comes back unchanged in the Pong.</summary>
        public static byte[] Ping(double clientTime)
        {
            var w = Frame(ClientType.Ping, 2);
            w.WriteNumber(clientTime);
            return w.ToArray();
        }

        /// <summary>Queue for a match; party lists the other players this one leads (each accepted first).</summary>
        public static byte[] Queue(string queue, IList<string> party = null)
        {
            var w = Frame(ClientType.Queue, 3);
            w.WriteString(queue);
            int n = party == null ? 0 : party.Count;
            w.WriteArrayHeader(n);
            for (int i = 0; i < n; i++)
                w.WriteString(party[i]);
            return w.ToArray();
        }

        public static byte[] CancelQueue()
        {
            return Frame(ClientType.CancelQueue, 1).ToArray();
        }

        public static byte[] PartyAccept(string leader)
        {
            var w = Frame(ClientType.PartyAccept, 2);
            w.WriteString(leader);
            return w.ToArray();
        }

        /// <summary>Takes back a PartyAccept: that leader can no longer queue this player.</summary>
        public static byte[] PartyWithdraw(string leader)
        {
            var w = Frame(ClientType.PartyWithdraw, 2);
            w.WriteString(leader);
            return w.ToArray();
        }

        /// <summary>query: a value tree the gateway validates (shared/rankings/leaderboard-query.ts).</summary>
        public static byte[] Leaderboard(uint requestId, object query)
        {
            var w = Frame(ClientType.Leaderboard, 3);
            w.WriteUInt64(requestId);
            w.WriteValue(query);
            return w.ToArray();
        }

        private static MsgPackWriter Frame(int type, int fields)
        {
            var w = new MsgPackWriter(64);
            w.WriteArrayHeader(fields);
            w.WriteInt64(type);
            return w;
        }
    }

    /// <summary>How to create a room when a join creates it (shared/protocol/client-messages.ts, JoinOptions).</summary>
    public sealed class JoinOptions
    {
        /// <summary>Server-side bots to add (0..ClientMessages.MaxBotsPerRoom).</summary>
        public int Bots;

        /// <summary>The room's game (1-64 of [A-Za-z0-9_-]); null: the room server's first game.</summary>
        public string Game;

        /// <summary>Room options for the game's parseOptions (a value tree); null: none.</summary>
        public object Options;
    }

    /// <summary>A decoded server frame. Type is the TypeScript message's type name.</summary>
    public abstract class ServerMessage
    {
        public abstract string Type { get; }
    }

    public sealed class Welcome : ServerMessage
    {
        public override string Type
        {
            get { return "welcome"; }
        }
        public int ProtocolVersion;
        public string PlayerId;
        public string GatewayId;
        /// <summary>A fresh token to reconnect with (it puts the player back in its seat).</summary>
        public string ResumeToken;
    }

    public sealed class Joined : ServerMessage
    {
        public override string Type
        {
            get { return "joined"; }
        }
        public string RoomId;
        /// <summary>This player's id as the room knows it.</summary>
        public string You;
        public long Tick;
        public double TickHz;
        /// <summary>Every entity of the room by id: field name -> long, double, string or bool.</summary>
        public Dictionary<string, Dictionary<string, object>> Entities;
        public bool Resumed;
    }

    public sealed class StateUpdate : ServerMessage
    {
        public override string Type
        {
            get { return "state"; }
        }
        public string RoomId;
        public long Tick;
        /// <summary>Entities added or changed since the last update (whole entities).</summary>
        public Dictionary<string, Dictionary<string, object>> Changed;
        public string[] Removed;
        /// <summary>Highest input sequence number applied, per player id.</summary>
        public Dictionary<string, double> Acks;
    }

    public sealed class RoomEnded : ServerMessage
    {
        public override string Type
        {
            get { return "ended"; }
        }
        public string RoomId;
        /// <summary>The match result as sent (roomId, game, reason, winner, durationMs, players...).</summary>
        public Dictionary<string, object> Result;
    }

    public sealed class ServerError : ServerMessage
    {
        public override string Type
        {
            get { return "error"; }
        }
        public string Code;
        public string Message;
    }

    public sealed class Pong : ServerMessage
    {
        public override string Type
        {
            get { return "pong"; }
        }
        public double ClientTime;
        /// <summary>The gateway's clock (Unix milliseconds) when it answered.</summary>
        public double ServerTime;
    }

    public sealed class Left : ServerMessage
    {
        public override string Type
        {
            get { return "left"; }
        }
        public string RoomId;
        public string Reason;
    }

    /// <summary>A message from the game (ctx.send / ctx.broadcast): its own type name and data.</summary>
    public sealed class GameMessage : ServerMessage
    {
        public override string Type
        {
            get { return "game_message"; }
        }
        public string RoomId;
        public string MessageType;
        /// <summary>The game's data (a value tree).</summary>
        public object Data;
    }

    public sealed class Queued : ServerMessage
    {
        public override string Type
        {
            get { return "queued"; }
        }
        public string Queue;
        public string TicketId;
    }

    public sealed class MatchFound : ServerMessage
    {
        public override string Type
        {
            get { return "match_found"; }
        }
        public string MatchId;
        public string RoomId;
        public string Queue;
        public string[][] Teams;
    }

    public sealed class QueueEnded : ServerMessage
    {
        public override string Type
        {
            get { return "queue_ended"; }
        }
        public string Queue;
        public string Reason;
        public string Message;
    }

    public sealed class PartyAccepted : ServerMessage
    {
        public override string Type
        {
            get { return "party_accepted"; }
        }
        public string Leader;
    }

    public sealed class PartyWithdrawn : ServerMessage
    {
        public override string Type
        {
            get { return "party_withdrawn"; }
        }
        public string Leader;
    }

    public sealed class LeaderboardAnswer : ServerMessage
    {
        public override string Type
        {
            get { return "leaderboard"; }
        }
        public long RequestId;
        public bool Ok;
        /// <summary>The answer (a value tree) when Ok, else an error description.</summary>
        public object Body;
    }

    /// <summary>The decoder of every server frame.</summary>
    public static class ServerMessages
    {
        public static ServerMessage Decode(byte[] frame, MsgPackLimits limits = null)
        {
            if (frame == null) throw new ArgumentNullException("frame");
            return Decode(frame, 0, frame.Length, limits);
        }

        public static ServerMessage Decode(byte[] frame, int offset, int count, MsgPackLimits limits = null)
        {
            object value;
            try
            {
                value = MsgPackReader.Decode(frame, offset, count, limits);
            }
            catch (MsgPackException e)
            {
                throw new ProtocolException(ErrorCodes.BadFrame, "not msgpack: " + e.Message, e);
            }
            var f = value as object[];
            if (f == null || f.Length == 0 || !IsInteger(f[0]))
                throw new ProtocolException(ErrorCodes.BadFrame, "a frame is an array starting with an integer type tag");
            double tag = Fields.Number(f[0]).Value;
            switch ((long)tag)
            {
                case ServerType.Welcome:
                    return new Welcome
                    {
                        ProtocolVersion = (int)Need(Fields.Uint(Field(f, 1)), "welcome", "protocolVersion", "an unsigned integer"),
                        PlayerId = Need(Fields.Str(Field(f, 2)), "welcome", "playerId", "a string"),
                        GatewayId = Need(Fields.Str(Field(f, 3)), "welcome", "gatewayId", "a string"),
                        ResumeToken = Need(Fields.Str(Field(f, 4)), "welcome", "resumeToken", "a string"),
                    };
                case ServerType.Joined:
                    return new Joined
                    {
                        RoomId = Need(Fields.Id(Field(f, 1)), "joined", "roomId", "an id"),
                        You = Need(Fields.Str(Field(f, 2)), "joined", "you", "a string"),
                        Tick = Need(Fields.Uint(Field(f, 3)), "joined", "tick", "an unsigned 32-bit integer"),
                        TickHz = Need(Fields.Number(Field(f, 4)), "joined", "tickHz", "a number"),
                        Entities = Need(Fields.Entities(Field(f, 5)), "joined", "entities", "a map of entity maps"),
                        Resumed = Equals(Field(f, 6), true),
                    };
                case ServerType.State:
                    return new StateUpdate
                    {
                        RoomId = Need(Fields.Id(Field(f, 1)), "state", "roomId", "an id"),
                        Tick = Need(Fields.Uint(Field(f, 2)), "state", "tick", "an unsigned 32-bit integer"),
                        Changed = Need(Fields.Entities(Field(f, 3)), "state", "changed", "a map of entity maps"),
                        Removed = Need(Fields.StrList(Field(f, 4)), "state", "removed", "an array of strings"),
                        Acks = Need(Fields.NumberMap(Field(f, 5)), "state", "acks", "a map of numbers"),
                    };
                case ServerType.RoomEnded:
                    return new RoomEnded
                    {
                        RoomId = Need(Fields.Id(Field(f, 1)), "ended", "roomId", "an id"),
                        Result = Need(Field(f, 2) as Dictionary<string, object>, "ended", "result", "a map"),
                    };
                case ServerType.Error:
                    return new ServerError
                    {
                        Code = Need(Fields.Str(Field(f, 1)), "error", "code", "a string"),
                        Message = Need(Fields.Str(Field(f, 2)), "error", "message", "a string"),
                    };
                case ServerType.Pong:
                    return new Pong
                    {
                        ClientTime = Need(Fields.Number(Field(f, 1)), "pong", "clientTime", "a number"),
                        ServerTime = Need(Fields.Number(Field(f, 2)), "pong", "serverTime", "a number"),
                    };
                case ServerType.Left:
                    return new Left
                    {
                        RoomId = Need(Fields.Id(Field(f, 1)), "left", "roomId", "an id"),
                        Reason = Need(Fields.Str(Field(f, 2)), "left", "reason", "a string"),
                    };
                case ServerType.GameMessage:
                    return new GameMessage
                    {
                        RoomId = Need(Fields.Id(Field(f, 1)), "game_message", "roomId", "an id"),
                        MessageType = Need(Fields.Str(Field(f, 2)), "game_message", "messageType", "a string"),
                        Data = Field(f, 3),
                    };
                case ServerType.Queued:
                    return new Queued
                    {
                        Queue = Need(Fields.Str(Field(f, 1)), "queued", "queue", "a string"),
                        TicketId = Need(Fields.Str(Field(f, 2)), "queued", "ticketId", "a string"),
                    };
                case ServerType.MatchFound:
                    return new MatchFound
                    {
                        MatchId = Need(Fields.Str(Field(f, 1)), "match_found", "matchId", "a string"),
                        RoomId = Need(Fields.Id(Field(f, 2)), "match_found", "roomId", "an id"),
                        Queue = Need(Fields.Str(Field(f, 3)), "match_found", "queue", "a string"),
                        Teams = Need(Fields.Teams(Field(f, 4)), "match_found", "teams", "an array of arrays of strings"),
                    };
                case ServerType.QueueEnded:
                    return new QueueEnded
                    {
                        Queue = Need(Fields.Str(Field(f, 1)), "queue_ended", "queue", "a string"),
                        Reason = Need(Fields.Str(Field(f, 2)), "queue_ended", "reason", "a string"),
                        Message = Need(Fields.Str(Field(f, 3)), "queue_ended", "message", "a string"),
                    };
                case ServerType.PartyAccepted:
                    return new PartyAccepted { Leader = Need(Fields.Id(Field(f, 1)), "party_accepted", "leader", "an id") };
                case ServerType.PartyWithdrawn:
                    return new PartyWithdrawn { Leader = Need(Fields.Id(Field(f, 1)), "party_withdrawn", "leader", "an id") };
                case ServerType.Leaderboard:
                    return new LeaderboardAnswer
                    {
                        RequestId = Need(Fields.Uint(Field(f, 1)), "leaderboard", "requestId", "an unsigned 32-bit integer"),
                        Ok = Need(Field(f, 2) as bool?, "leaderboard", "ok", "a boolean"),
                        Body = Field(f, 3),
                    };
                default:
                    throw new ProtocolException(ErrorCodes.UnknownType, "unknown server message type " + FormatTag(tag));
            }
        }

        private static object Field(object[] f, int i)
        {
            return i < f.Length ? f[i] : null;
        }

        private static bool IsInteger(object v)
        {
            double? n = Fields.Number(v);
            return n.HasValue && Math.Floor(n.Value) == n.Value && !double.IsInfinity(n.Value);
        }

        private static string FormatTag(double tag)
        {
            return tag.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        private static T Need<T>(T value, string message, string field, string expected)
            where T : class
        {
            if (value == null) throw BadField(message, field, expected);
            return value;
        }

        private static T Need<T>(T? value, string message, string field, string expected)
            where T : struct
        {
            if (!value.HasValue) throw BadField(message, field, expected);
            return value.Value;
        }

        private static ProtocolException BadField(string message, string field, string expected)
        {
            return new ProtocolException(ErrorCodes.BadRequest, message + ": " + field + " must be " + expected);
        }
    }

    /// <summary>Field checks shared by the decoders (shared/protocol/fields.ts); each returns null when the value does not fit.</summary>
    public static class Fields
    {
        /// <summary>Room, player, gateway and server ids: 1-64 characters of [A-Za-z0-9_.:-].</summary>
        public static string Id(object v)
        {
            var s = v as string;
            if (s == null || s.Length == 0 || s.Length > 64) return null;
            foreach (char c in s)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
                if (!ok) return null;
            }
            return s;
        }

        public static string Str(object v)
        {
            return v as string;
        }

        /// <summary>A finite number of any msgpack numeric type, as a double.</summary>
        public static double? Number(object v)
        {
            double d;
            if (v is long) d = (long)v;
            else if (v is double) d = (double)v;
            else if (v is float) d = (float)v;
            else if (v is ulong) d = (ulong)v;
            else return null;
            if (double.IsNaN(d) || double.IsInfinity(d)) return null;
            return d;
        }

        /// <summary>An integer from 0 to max (integral floats count, as in JavaScript).</summary>
        public static long? Uint(object v, long max = uint.MaxValue)
        {
            double? n = Number(v);
            if (!n.HasValue || n.Value < 0 || n.Value > max || Math.Floor(n.Value) != n.Value) return null;
            return (long)n.Value;
        }

        public static string[] StrList(object v)
        {
            var items = v as object[];
            if (items == null) return null;
            var list = new string[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                list[i] = items[i] as string;
                if (list[i] == null) return null;
            }
            return list;
        }

        public static string[][] Teams(object v)
        {
            var items = v as object[];
            if (items == null) return null;
            var teams = new string[items.Length][];
            for (int i = 0; i < items.Length; i++)
            {
                teams[i] = StrList(items[i]);
                if (teams[i] == null) return null;
            }
            return teams;
        }

        public static Dictionary<string, Dictionary<string, object>> Entities(object v)
        {
            var map = v as Dictionary<string, object>;
            if (map == null) return null;
            var entities = new Dictionary<string, Dictionary<string, object>>(map.Count);
            foreach (var entry in map)
            {
                var entity = entry.Value as Dictionary<string, object>;
                if (entity == null) return null;
                entities[entry.Key] = entity;
            }
            return entities;
        }

        public static Dictionary<string, double> NumberMap(object v)
        {
            var map = v as Dictionary<string, object>;
            if (map == null) return null;
            var numbers = new Dictionary<string, double>(map.Count);
            foreach (var entry in map)
            {
                double? n = Number(entry.Value);
                if (!n.HasValue) return null;
                numbers[entry.Key] = n.Value;
            }
            return numbers;
        }
    }
}
