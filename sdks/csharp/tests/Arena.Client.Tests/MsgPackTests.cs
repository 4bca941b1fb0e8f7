// The msgpack reader and writer: every format, the smallest encoding of each value, and a
// clear MsgPackException (never another exception, a hang or a huge allocation) for bad input.
using System;
using System.Collections.Generic;
using System.Text;
using Arena.Client.MsgPack;

namespace Arena.Client.Tests
{
    public sealed class MsgPackTests
    {
        private static string Enc(object value)
        {
            return Assert.ToHex(MsgPackWriter.Encode(value));
        }

        private static object Dec(string hex, MsgPackLimits limits = null)
        {
            return MsgPackReader.Decode(Assert.FromHex(hex), limits);
        }

        private static string Head(byte[] bytes, int n)
        {
            var head = new byte[n];
            Array.Copy(bytes, head, n);
            return Assert.ToHex(head);
        }

        private static string Repeat(string s, int n)
        {
            var sb = new StringBuilder(s.Length * n);
            for (int i = 0; i < n; i++)
                sb.Append(s);
            return sb.ToString();
        }

        /// <summary>Encodes, checks the exact bytes, decodes and checks the value comes back.</summary>
        private static void RoundTrip(object value, string hex, object decodedAs = null)
        {
            Assert.Equal(hex, Enc(value), "encoding of " + value);
            object back = Dec(hex);
            object expected = decodedAs ?? value;
            Assert.Equal(expected, back, "decoding of " + hex);
        }

        [Test]
        public void NilAndBooleans()
        {
            RoundTrip(null, "c0");
            RoundTrip(true, "c3");
            RoundTrip(false, "c2");
        }

        [Test]
        public void UnsignedIntegersUseTheSmallestFormat()
        {
            RoundTrip(0L, "00");
            RoundTrip(127L, "7f");
            RoundTrip(128L, "cc80");
            RoundTrip(255L, "ccff");
            RoundTrip(256L, "cd0100");
            RoundTrip(65535L, "cdffff");
            RoundTrip(65536L, "ce00010000");
            RoundTrip(4294967295L, "ceffffffff");
            RoundTrip(4294967296L, "cf0000000100000000");
            RoundTrip(long.MaxValue, "cf7fffffffffffffff");
            RoundTrip(ulong.MaxValue, "cfffffffffffffffff");
            // Other integral types encode the same way and decode as long.
            RoundTrip((byte)200, "ccc8", 200L);
            RoundTrip((ushort)300, "cd012c", 300L);
            RoundTrip(70000u, "ce00011170", 70000L);
            RoundTrip(5, "05", 5L);
        }

        [Test]
        public void NegativeIntegersUseTheSmallestFormat()
        {
            RoundTrip(-1L, "ff");
            RoundTrip(-32L, "e0");
            RoundTrip(-33L, "d0df");
            RoundTrip(-128L, "d080");
            RoundTrip(-129L, "d1ff7f");
            RoundTrip(-32768L, "d18000");
            RoundTrip(-32769L, "d2ffff7fff");
            RoundTrip((long)int.MinValue, "d280000000");
            RoundTrip((long)int.MinValue - 1, "d3ffffffff7fffffff");
            RoundTrip(long.MinValue, "d38000000000000000");
            RoundTrip((sbyte)-5, "fb", -5L);
            RoundTrip((short)-300, "d1fed4", -300L);
        }

        [Test]
        public void NonMinimalIntegerEncodingsAreRead()
        {
            Assert.Equal(1L, Dec("cc01"));
            Assert.Equal(1L, Dec("cd0001"));
            Assert.Equal(1L, Dec("ce00000001"));
            Assert.Equal(1L, Dec("cf0000000000000001"));
            Assert.Equal(1L, Dec("d001"));
            Assert.Equal(-1L, Dec("d1ffff"));
            Assert.Equal(-1L, Dec("d2ffffffff"));
            Assert.Equal(-1L, Dec("d3ffffffffffffffff"));
            Assert.Equal(5L, Dec("d30000000000000005"));
        }

        [Test]
        public void Floats()
        {
            RoundTrip(1.5f, "ca3fc00000");
            RoundTrip(1.5, "cb3ff8000000000000");
            RoundTrip(0.1, "cb3fb999999999999a");
            RoundTrip(double.PositiveInfinity, "cb7ff0000000000000");
            RoundTrip(-0.0, "cb8000000000000000");
            Assert.True(double.IsNaN((double)Dec("cb7ff8000000000000")), "NaN decodes as NaN");
            Assert.True(float.IsNegativeInfinity((float)Dec("caff800000")), "float32 -Infinity");
        }

        [Test]
        public void NumbersAreWrittenAsJavaScriptWritesThem()
        {
            var cases = new List<KeyValuePair<double, string>>
            {
                new KeyValuePair<double, string>(0.0, "00"),
                new KeyValuePair<double, string>(-0.0, "00"),
                new KeyValuePair<double, string>(1.0, "01"),
                new KeyValuePair<double, string>(-1.0, "ff"),
                new KeyValuePair<double, string>(255.0, "ccff"),
                new KeyValuePair<double, string>(4294967295.0, "ceffffffff"),
                new KeyValuePair<double, string>(4294967296.0, "cb41f0000000000000"),
                new KeyValuePair<double, string>(-2147483648.0, "d280000000"),
                new KeyValuePair<double, string>(-2147483649.0, "cbc1e0000000200000"),
                new KeyValuePair<double, string>(1234.5, "cb40934a0000000000"),
                new KeyValuePair<double, string>(1700000000123.0, "cb4278bcfe5687b000"),
                new KeyValuePair<double, string>(double.NaN, "cb7ff8000000000000"),
                new KeyValuePair<double, string>(double.NegativeInfinity, "cbfff0000000000000"),
            };
            foreach (var c in cases)
            {
                var w = new MsgPackWriter();
                w.WriteNumber(c.Key);
                Assert.Hex(c.Value, w.ToArray(), "WriteNumber(" + c.Key + ")");
            }
            var r = new MsgPackReader(Assert.FromHex("cb40934a0000000000"));
            Assert.Equal(1234.5, r.ReadDouble());
            Assert.Equal(7.0, new MsgPackReader(Assert.FromHex("07")).ReadDouble(), "an integer read as a number");
            Assert.Equal(1234.5, new MsgPackReader(Assert.FromHex("ca449a5000")).ReadDouble(), "float32 read as a number");
        }

        [Test]
        public void StringsOfEveryLengthFormat()
        {
            RoundTrip("", "a0");
            RoundTrip("a", "a161");
            RoundTrip(Repeat("a", 31), "bf" + Repeat("61", 31));
            RoundTrip(Repeat("a", 32), "d920" + Repeat("61", 32));
            RoundTrip(Repeat("a", 255), "d9ff" + Repeat("61", 255));
            RoundTrip(Repeat("a", 256), "da0100" + Repeat("61", 256));
            RoundTrip(Repeat("a", 65535), "daffff" + Repeat("61", 65535));
            RoundTrip(Repeat("a", 65536), "db00010000" + Repeat("61", 65536));
            // Lengths count UTF-8 bytes, not characters.
            RoundTrip("é", "a2c3a9");
            RoundTrip("\ud83d\ude00", "a4f09f9880");
            RoundTrip(Repeat("é", 16), "d920" + Repeat("c3a9", 16));
        }

        [Test]
        public void InvalidUtf8BecomesReplacementCharacters()
        {
            // As in the TypeScript codec: a string with broken UTF-8 is kept, with U+FFFD.
            Assert.Equal("\ufffd\ufffd", Dec("a2ffff"));
            Assert.Equal("a\ufffd", Dec("a261c3"));
        }

        [Test]
        public void BinaryOfEveryLengthFormat()
        {
            foreach (int n in new[] { 0, 1, 255, 256, 65535, 65536 })
            {
                var bytes = new byte[n];
                for (int i = 0; i < n; i++)
                    bytes[i] = (byte)(i * 7);
                string header = n <= 255 ? "c4" + n.ToString("x2") : n <= 65535 ? "c5" + n.ToString("x4") : "c6" + n.ToString("x8");
                byte[] encoded = MsgPackWriter.Encode(bytes);
                Assert.Equal(header, Head(encoded, header.Length / 2), "bin header for " + n + " bytes");
                Assert.Equal(header.Length / 2 + n, encoded.Length, "bin size");
                var back = (byte[])MsgPackReader.Decode(encoded);
                Assert.True(back.Length == n && (n == 0 || (back[0] == bytes[0] && back[n - 1] == bytes[n - 1])), "decoded bin of " + n);
            }
        }

        [Test]
        public void ArraysOfEveryLengthFormat()
        {
            foreach (int n in new[] { 0, 15, 16, 65535, 65536 })
            {
                var items = new object[n];
                for (int i = 0; i < n; i++)
                    items[i] = (long)(i % 100);
                string header = n < 16 ? (0x90 | n).ToString("x2") : n <= 65535 ? "dc" + n.ToString("x4") : "dd" + n.ToString("x8");
                byte[] encoded = MsgPackWriter.Encode(items);
                Assert.Equal(header, Head(encoded, header.Length / 2), "array header for " + n);
                var back = (object[])MsgPackReader.Decode(encoded);
                Assert.Equal(n, back.Length, "array length");
                for (int i = 0; i < n; i++)
                    Assert.Equal(items[i], back[i]);
            }
            Assert.Equal("9301a178c0", Enc(new List<object> { 1, "x", null }), "a List<object> is an array");
        }

        [Test]
        public void MapsOfEveryLengthFormat()
        {
            foreach (int n in new[] { 0, 15, 16, 65535, 65536 })
            {
                var map = new Dictionary<string, object>();
                for (int i = 0; i < n; i++)
                    map["k" + i] = (long)i;
                string header = n < 16 ? (0x80 | n).ToString("x2") : n <= 65535 ? "de" + n.ToString("x4") : "df" + n.ToString("x8");
                byte[] encoded = MsgPackWriter.Encode(map);
                Assert.Equal(header, Head(encoded, header.Length / 2), "map header for " + n);
                var back = (Dictionary<string, object>)MsgPackReader.Decode(encoded);
                Assert.Equal(n, back.Count, "map size");
                for (int i = 0; i < n; i++)
                    Assert.Equal((object)(long)i, back["k" + i]);
            }
        }

        [Test]
        public void NestedValuesKeepTheirOrder()
        {
            var value = new Dictionary<string, object>
            {
                { "b", new object[] { 1L, new Dictionary<string, object> { { "z", true }, { "a", null } } } },
                { "a", "x" },
            };
            string hex = Enc(value);
            Assert.Equal("82a162920182a17ac3a161c0a161a178", hex);
            Assert.Equal(hex, Enc(Dec(hex)), "decode then encode gives the same bytes");
        }

        [Test]
        public void IntegerMapKeysBecomeStringsAndOtherKeysAreRefused()
        {
            var map = (Dictionary<string, object>)Dec("82" + "01a178" + "ffa179");
            Assert.Equal("x", map["1"]);
            Assert.Equal("y", map["-1"]);
            Assert.Contains("map key of type Nil", Assert.Throws<MsgPackException>(() => Dec("81c0a178")).Message);
            Assert.Contains("map key of type Array", Assert.Throws<MsgPackException>(() => Dec("8190a178")).Message);
            Assert.Contains("map key of type Float", Assert.Throws<MsgPackException>(() => Dec("81cb3ff8000000000000a178")).Message);
        }

        [Test]
        public void ARepeatedMapKeyKeepsItsLastValue()
        {
            var map = (Dictionary<string, object>)Dec("82a17801a17802");
            Assert.Equal(1, map.Count);
            Assert.Equal((object)2L, map["x"]);
        }

        [Test]
        public void StepByStepReading()
        {
            var w = new MsgPackWriter();
            w.WriteArrayHeader(6);
            w.WriteInt64(-5);
            w.WriteString("héllo");
            w.WriteBinary(new byte[] { 1, 2 });
            w.WriteMapHeader(1);
            w.WriteString("k");
            w.WriteArrayHeader(2);
            w.WriteNil();
            w.WriteBoolean(true);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteSingle(2.5f);
            var r = new MsgPackReader(w.ToArray());
            Assert.Equal(MsgPackType.Array, r.PeekType());
            Assert.Equal(6, r.ReadArrayHeader());
            Assert.Equal(-5L, r.ReadInt64());
            Assert.Equal("héllo", r.ReadString());
            Assert.Hex("0102", r.ReadBinary());
            Assert.Equal(MsgPackType.Map, r.PeekType());
            r.Skip();
            Assert.Equal(ulong.MaxValue, r.ReadUInt64());
            Assert.False(r.TryReadNil(), "a float is not nil");
            Assert.Equal(2.5, r.ReadDouble());
            Assert.True(r.IsAtEnd, "everything was read");
            r.ExpectEnd();
        }

        [Test]
        public void TypedReadsRefuseOtherTypesAndRanges()
        {
            Assert.Contains("expected a string, found Integer", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("01")).ReadString()).Message);
            Assert.Contains("expected an array, found Map", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("80")).ReadArrayHeader()).Message);
            Assert.Contains("does not fit a signed 64-bit", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("cfffffffffffffffff")).ReadInt64()).Message);
            Assert.Contains("negative integer -1", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("ff")).ReadUInt64()).Message);
            Assert.Contains("does not fit a 32-bit", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("ce80000000")).ReadInt32()).Message);
            Assert.Contains("expected a boolean", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("c0")).ReadBoolean()).Message);
            Assert.Contains("expected nil", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("c2")).ReadNil()).Message);
        }

        [Test]
        public void ExtensionTypesAreRefused()
        {
            foreach (string hex in new[] { "d40000", "d5000000", "d6ff00000001", "d7ff0000000000000000", "d801" + Repeat("00", 16), "c70105ff", "c8000105ff", "c90000000105ff" })
            {
                var e = Assert.Throws<MsgPackException>(() => Dec(hex), hex);
                Assert.Contains("extension type", e.Message, hex);
                Assert.Equal(0, e.Offset, "offset of " + hex);
            }
            var nested = Assert.Throws<MsgPackException>(() => Dec("9201d40000"));
            Assert.Equal(2, nested.Offset, "the offset points at the extension");
            Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex("9201d40000")).Skip(), "Skip refuses it too");
        }

        [Test]
        public void NeverUsedByteIsRefused()
        {
            Assert.Contains("0xc1 is never used", Assert.Throws<MsgPackException>(() => Dec("c1")).Message);
            Assert.Contains("0xc1 is never used", Assert.Throws<MsgPackException>(() => Dec("91c1")).Message);
        }

        [Test]
        public void EveryTruncationOfAValidValueIsAClearError()
        {
            var value = new Dictionary<string, object>
            {
                { "ints", new object[] { 1L, 300L, 70000L, 5000000000L, -5L, -300L, -70000L, -5000000000L } },
                { "floats", new object[] { 1.5f, 2.25 } },
                { "str", Repeat("x", 40) },
                { "bin", new byte[300] },
                { "nested", new Dictionary<string, object> { { "a", new object[] { null, true, false } } } },
            };
            byte[] bytes = MsgPackWriter.Encode(value);
            for (int n = 0; n < bytes.Length; n++)
            {
                var e = Assert.Throws<MsgPackException>(() => MsgPackReader.Decode(bytes, 0, n), "prefix of " + n + " bytes");
                Assert.Contains("truncated", e.Message, "prefix of " + n + " bytes");
            }
            MsgPackReader.Decode(bytes);
        }

        [Test]
        public void TrailingBytesAreRefused()
        {
            Assert.Contains("1 unexpected byte(s) after the value", Assert.Throws<MsgPackException>(() => Dec("9101c0")).Message);
        }

        [Test]
        public void NestingDeeperThanTheLimitIsRefused()
        {
            var limits = new MsgPackLimits { MaxDepth = 8 };
            Dec(Repeat("91", 7) + "c0", limits);
            Dec(Repeat("91", 8) + "c0", limits);
            Assert.Contains("nesting deeper than 8", Assert.Throws<MsgPackException>(() => Dec(Repeat("91", 9) + "c0", limits)).Message);
            Assert.Contains("nesting deeper than 8", Assert.Throws<MsgPackException>(() => Dec(Repeat("81a0", 9) + "c0", limits)).Message);
            Assert.Contains("nesting deeper than 8", Assert.Throws<MsgPackException>(() => new MsgPackReader(Assert.FromHex(Repeat("91", 9) + "c0"), 0, 10, limits).Skip()).Message);
        }

        [Test]
        public void AMillionNestedArraysFailWithoutOverflowingTheStack()
        {
            var bytes = new byte[1000000];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = 0x91;
            Assert.Contains("nesting deeper than 64", Assert.Throws<MsgPackException>(() => MsgPackReader.Decode(bytes)).Message);
            Assert.Contains("nesting deeper than 64", Assert.Throws<MsgPackException>(() => new MsgPackReader(bytes).Skip()).Message);
        }

        [Test]
        public void LengthsTheInputCannotHoldAreRefusedBeforeAllocating()
        {
            // Each would ask for gigabytes if believed.
            Assert.Contains("cannot fit", Assert.Throws<MsgPackException>(() => Dec("dd7fffffff", new MsgPackLimits { MaxCollectionItems = int.MaxValue })).Message);
            Assert.Contains("cannot fit", Assert.Throws<MsgPackException>(() => Dec("df7fffffff", new MsgPackLimits { MaxCollectionItems = int.MaxValue })).Message);
            Assert.Contains("over the limit", Assert.Throws<MsgPackException>(() => Dec("dd7fffffff")).Message);
            Assert.Contains("over any limit", Assert.Throws<MsgPackException>(() => Dec("ddffffffff")).Message);
            Assert.Contains("over any limit", Assert.Throws<MsgPackException>(() => Dec("dbffffffff")).Message);
            Assert.Contains("over the limit", Assert.Throws<MsgPackException>(() => Dec("db7fffffff")).Message);
            Assert.Contains("truncated", Assert.Throws<MsgPackException>(() => Dec("db00100000", new MsgPackLimits { MaxStringBytes = int.MaxValue })).Message);
            Assert.Contains("over the limit", Assert.Throws<MsgPackException>(() => Dec("c67fffffff")).Message);
            Assert.Contains("truncated", Assert.Throws<MsgPackException>(() => Dec("c600100000", new MsgPackLimits { MaxBinaryBytes = int.MaxValue })).Message);
            // Every map entry takes at least two bytes.
            Assert.Contains("cannot fit", Assert.Throws<MsgPackException>(() => Dec("83a100c0a101")).Message);
        }

        [Test]
        public void LimitsOnItemsStringsAndInput()
        {
            var limits = new MsgPackLimits { MaxCollectionItems = 3, MaxStringBytes = 4, MaxBinaryBytes = 2, MaxTotalItems = 6, MaxInputBytes = 64 };
            Dec("93010203", limits);
            Assert.Contains("array of 4 items is over the limit of 3", Assert.Throws<MsgPackException>(() => Dec("9401020304", limits)).Message);
            Assert.Contains("map of 4 items is over the limit of 3", Assert.Throws<MsgPackException>(() => Dec("84a100c0a101c0a102c0a103c0", limits)).Message);
            Assert.Contains("string of 5 bytes", Assert.Throws<MsgPackException>(() => Dec("a56162636465", limits)).Message);
            Assert.Contains("binary of 3 bytes", Assert.Throws<MsgPackException>(() => Dec("c403010203", limits)).Message);
            Assert.Contains("more than 6 values", Assert.Throws<MsgPackException>(() => Dec("93930102039301020393010203", limits)).Message);
            Assert.Contains("input of 65 bytes is over the limit of 64", Assert.Throws<MsgPackException>(() => MsgPackReader.Decode(new byte[65], limits)).Message);
        }

        [Test]
        public void WriterRefusesWhatItCannotEncode()
        {
            Assert.Contains("cannot encode a value of type System.DateTime", Assert.Throws<MsgPackException>(() => MsgPackWriter.Encode(DateTime.Now)).Message);
            var cycle = new List<object>();
            cycle.Add(cycle);
            Assert.Contains("deeper than 64", Assert.Throws<MsgPackException>(() => MsgPackWriter.Encode(cycle)).Message);
        }

        [Test]
        public void WriterGrowsAndClears()
        {
            var w = new MsgPackWriter(1);
            w.WriteString(Repeat("z", 100000));
            Assert.Equal(100005, w.Length, "str32 header + payload");
            w.Clear();
            w.WriteNil();
            Assert.Hex("c0", w.ToArray());
        }
    }
}
