// The shared protocol test vectors (shared/protocol/test-vectors.json, the same file the
// TypeScript codec is checked against): msgpack bytes round-trip, client messages encode to
// their exact bytes, server frames decode to the expected message, invalid server frames get
// their error code, and every message type has a vector.
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;

namespace Arena.Client.Tests
{
    public sealed class VectorTests
    {
        private static Dictionary<string, object> file;

        internal static Dictionary<string, object> File
        {
            get
            {
                if (file != null) return file;
                string path = TestContext.VectorsPath;
                if (path == null || !System.IO.File.Exists(path))
                    Assert.Fail("test vectors not found (pass --vectors path/to/shared/protocol/test-vectors.json)");
                file = (Dictionary<string, object>)Json.Parse(System.IO.File.ReadAllText(path));
                return file;
            }
        }

        internal static IEnumerable<Dictionary<string, object>> List(string name)
        {
            foreach (object v in (List<object>)File[name])
                yield return (Dictionary<string, object>)v;
        }

        private static bool DecodeOnly(Dictionary<string, object> v)
        {
            object flag;
            return v.TryGetValue("decodeOnly", out flag) && Equals(flag, true);
        }

        [Test]
        public void TheFileIsForThisProtocolVersion()
        {
            Assert.Equal((object)1L, File["format"], "vector file format");
            Assert.Equal((object)(long)ProtocolVersion.Current, File["protocolVersion"], "protocol version");
        }

        [Test]
        public void MsgPackBytesRoundTrip()
        {
            int checkedCount = 0;
            foreach (string list in new[] { "client", "server" })
            {
                foreach (var v in List(list))
                {
                    byte[] bytes = Assert.FromHex((string)v["hex"]);
                    object value = MsgPackReader.Decode(bytes);
                    if (DecodeOnly(v)) continue; // a non-canonical encoding: decoding is enough
                    Assert.Hex((string)v["hex"], MsgPackWriter.Encode(value), list + " vector \"" + v["name"] + "\" re-encoded");
                    checkedCount++;
                }
            }
            Assert.True(checkedCount > 20, "vectors were checked");
        }

        [Test]
        public void ClientMessagesEncodeToTheirExactBytes()
        {
            foreach (var v in List("client"))
            {
                if (DecodeOnly(v)) continue;
                var m = (Dictionary<string, object>)v["message"];
                Assert.Hex((string)v["hex"], EncodeClient(m), "client vector \"" + v["name"] + "\"");
            }
        }

        [Test]
        public void ServerFramesDecodeToTheirMessages()
        {
            foreach (var v in List("server"))
            {
                string name = "server vector \"" + v["name"] + "\"";
                ServerMessage decoded;
                try
                {
                    decoded = ServerMessages.Decode(Assert.FromHex((string)v["hex"]));
                }
                catch (ProtocolException e)
                {
                    throw new AssertionException(name + " did not decode: " + e.Message);
                }
                Matches(decoded, v["message"], name);
            }
        }

        [Test]
        public void InvalidServerFramesGetTheirError()
        {
            int count = 0;
            foreach (var v in List("invalid"))
            {
                if ((string)v["direction"] != "server") continue; // client frames are the gateway's to refuse
                string name = "invalid vector \"" + v["name"] + "\"";
                var e = Assert.Throws<ProtocolException>(() => ServerMessages.Decode(Assert.FromHex((string)v["hex"])), name);
                Assert.Equal((string)v["error"], e.Code, name + " (" + e.Message + ")");
                count++;
            }
            Assert.True(count >= 10, "invalid server vectors were checked");
        }

        [Test]
        public void EveryMessageTypeHasAVector()
        {
            var clientTags = new HashSet<long>();
            var serverTags = new HashSet<long>();
            foreach (var v in List("client"))
                if (!DecodeOnly(v)) clientTags.Add(Tag((string)v["hex"]));
            foreach (var v in List("server"))
                if (!DecodeOnly(v)) serverTags.Add(Tag((string)v["hex"]));
            foreach (FieldInfo f in typeof(ClientType).GetFields(BindingFlags.Public | BindingFlags.Static))
                Assert.True(clientTags.Contains((int)f.GetValue(null)), "ClientType." + f.Name + " has no vector");
            foreach (FieldInfo f in typeof(ServerType).GetFields(BindingFlags.Public | BindingFlags.Static))
                Assert.True(serverTags.Contains((int)f.GetValue(null)), "ServerType." + f.Name + " has no vector");
            // And the other way: the vectors use no type this SDK lacks.
            foreach (long tag in serverTags)
                Assert.True(Array.Exists(typeof(ServerType).GetFields(), f => (int)f.GetValue(null) == tag), "vector type " + tag + " is missing from ServerType");
            foreach (long tag in clientTags)
                Assert.True(Array.Exists(typeof(ClientType).GetFields(), f => (int)f.GetValue(null) == tag), "vector type " + tag + " is missing from ClientType");
        }

        private static long Tag(string hex)
        {
            var r = new MsgPackReader(Assert.FromHex(hex));
            r.ReadArrayHeader();
            return r.ReadInt64();
        }

        /// <summary>The C# encoder of each client message type, fed from the vector's message.</summary>
        private static byte[] EncodeClient(Dictionary<string, object> m)
        {
            switch ((string)m["type"])
            {
                case "join":
                {
                    var o = (Dictionary<string, object>)m["options"];
                    object game, options;
                    o.TryGetValue("game", out game);
                    o.TryGetValue("options", out options);
                    var join = new JoinOptions { Bots = (int)(long)o["bots"], Game = (string)game, Options = FromNotation(options) };
                    return ClientMessages.Join((string)m["roomId"], join);
                }
                case "input":
                    return ClientMessages.Input((uint)(long)m["seq"], FromNotation(m["input"]));
                case "leave":
                    return ClientMessages.Leave();
                case "ping":
                    return ClientMessages.Ping(Convert.ToDouble(m["clientTime"]));
                case "queue":
                {
                    var party = new List<string>();
                    foreach (object p in (List<object>)m["party"])
                        party.Add((string)p);
                    return ClientMessages.Queue((string)m["queue"], party);
                }
                case "cancel_queue":
                    return ClientMessages.CancelQueue();
                case "party_accept":
                    return ClientMessages.PartyAccept((string)m["leader"]);
                case "party_withdraw":
                    return ClientMessages.PartyWithdraw((string)m["leader"]);
                case "leaderboard":
                    return ClientMessages.Leaderboard((uint)(long)m["requestId"], FromNotation(m["query"]));
                default:
                    throw new AssertionException("the C# SDK has no encoder for client message \"" + m["type"] + "\"");
            }
        }

        /// <summary>The vector notation as a msgpack value tree: {"$bin": hex} becomes byte[].</summary>
        internal static object FromNotation(object v)
        {
            var map = v as Dictionary<string, object>;
            if (map != null)
            {
                object bin;
                if (map.Count == 1 && map.TryGetValue("$bin", out bin)) return Assert.FromHex((string)bin);
                var copy = new Dictionary<string, object>();
                foreach (var e in map)
                    copy[e.Key] = FromNotation(e.Value);
                return copy;
            }
            var list = v as List<object>;
            if (list != null) return list.ConvertAll(FromNotation);
            return v;
        }

        /// <summary>
        /// Checks a decoded value against the vector's JSON: numbers by value (any numeric type),
        /// maps key by key, and typed messages field by field (a JSON key names a public field
        /// or property, case aside; each public field must appear in the JSON).
        /// </summary>
        internal static void Matches(object actual, object expected, string path)
        {
            if (expected == null)
            {
                Assert.True(actual == null, path + ": expected null, got " + actual);
                return;
            }
            if (expected is bool || expected is string)
            {
                Assert.Equal(expected, actual, path);
                return;
            }
            if (expected is long || expected is double)
            {
                double? n = Fields.Number(actual);
                if (actual is int) n = (int)actual;
                Assert.True(n.HasValue && n.Value == Convert.ToDouble(expected), path + ": expected the number " + expected + ", got " + Describe(actual));
                return;
            }
            var list = expected as List<object>;
            if (list != null)
            {
                var items = actual as IList;
                Assert.True(items != null, path + ": expected an array, got " + Describe(actual));
                Assert.Equal(list.Count, items.Count, path + " length");
                for (int i = 0; i < list.Count; i++)
                    Matches(items[i], list[i], path + "[" + i + "]");
                return;
            }
            var map = (Dictionary<string, object>)expected;
            object bin;
            if (map.Count == 1 && map.TryGetValue("$bin", out bin))
            {
                Assert.Hex((string)bin, actual as byte[], path);
                return;
            }
            var dict = actual as IDictionary;
            if (dict != null)
            {
                Assert.Equal(map.Count, dict.Count, path + " key count");
                foreach (var e in map)
                {
                    Assert.True(dict.Contains(e.Key), path + ": key \"" + e.Key + "\" missing");
                    Matches(dict[e.Key], e.Value, path + "." + e.Key);
                }
                return;
            }
            Assert.True(actual != null, path + ": expected an object, got null");
            Type type = actual.GetType();
            var seen = new HashSet<string>();
            foreach (var e in map)
            {
                MemberInfo member = Member(type, e.Key);
                Assert.True(member != null, path + ": " + type.Name + " has no field for \"" + e.Key + "\"");
                seen.Add(member.Name);
                object value = member is FieldInfo ? ((FieldInfo)member).GetValue(actual) : ((PropertyInfo)member).GetValue(actual, null);
                Matches(value, e.Value, path + "." + e.Key);
            }
            foreach (FieldInfo f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
                Assert.True(seen.Contains(f.Name), path + ": " + type.Name + "." + f.Name + " is not in the vector");
        }

        private static MemberInfo Member(Type type, string name)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;
            return (MemberInfo)type.GetField(name, flags) ?? type.GetProperty(name, flags);
        }

        private static string Describe(object v)
        {
            return v == null ? "null" : v.GetType().Name + " " + v;
        }
    }
}
