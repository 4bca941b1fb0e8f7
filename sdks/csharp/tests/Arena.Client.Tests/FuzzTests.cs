// Malformed server frames into the decoder: random bytes and mutations of every valid vector
// (fixed seeds, so a failure reproduces). Each frame must decode or raise ProtocolException
// (MsgPackException from the bare reader); any other exception fails with the frame's hex, and
// the runner's timeout turns a hang into a failure.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using Arena.Client.MsgPack;
using Arena.Client.Protocol;

namespace Arena.Client.Tests
{
    public sealed class FuzzTests
    {
        private static readonly byte[] Interesting =
        {
            0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcf,
            0xd3, 0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
        };

        private static List<byte[]> Seeds()
        {
            var seeds = new List<byte[]>();
            foreach (string list in new[] { "server", "client", "invalid" })
                foreach (var v in VectorTests.List(list))
                    seeds.Add(Assert.FromHex((string)v["hex"]));
            return seeds;
        }

        /// <summary>Decodes a frame as the client does; only ProtocolException may come out.</summary>
        private static int Feed(byte[] frame, MsgPackLimits limits, ref int decoded)
        {
            try
            {
                ServerMessages.Decode(frame, limits);
                decoded++;
            }
            catch (ProtocolException e)
            {
                if (string.IsNullOrEmpty(e.Message) || (e.Code != ErrorCodes.BadFrame && e.Code != ErrorCodes.UnknownType && e.Code != ErrorCodes.BadRequest))
                    Assert.Fail("unclear error for " + Assert.ToHex(frame) + ": " + e.Code + " " + e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail("frame " + Assert.ToHex(frame) + " raised " + e.GetType().Name + " instead of ProtocolException: " + e);
            }
            try
            {
                var r = new MsgPackReader(frame, 0, frame.Length, limits);
                if (!r.IsAtEnd) r.Skip();
            }
            catch (MsgPackException) { }
            catch (Exception e)
            {
                Assert.Fail("Skip() on " + Assert.ToHex(frame) + " raised " + e.GetType().Name + ": " + e);
            }
            return decoded;
        }

        private static byte[] Mutate(byte[] input, Random random, List<byte[]> seeds)
        {
            var bytes = new List<byte>(input);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
                switch (random.Next(7))
                {
                    case 0:
                        if (bytes.Count > 0) bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 1:
                        if (bytes.Count > 0) bytes[at] = Interesting[random.Next(Interesting.Length)];
                        break;
                    case 2:
                        bytes.Insert(at, (byte)random.Next(256));
                        break;
                    case 3:
                        if (bytes.Count > 0) bytes.RemoveAt(at);
                        break;
                    case 4:
                        if (bytes.Count > 0) bytes.RemoveRange(at, bytes.Count - at);
                        break;
                    case 5:
                        if (bytes.Count > 1)
                        {
                            int len = 1 + random.Next(Math.Min(8, bytes.Count - at));
                            bytes.InsertRange(at, bytes.GetRange(at, len));
                        }
                        break;
                    default:
                    {
                        byte[] other = seeds[random.Next(seeds.Count)];
                        int from = random.Next(other.Length + 1);
                        bytes.InsertRange(at, new ArraySegment<byte>(other, from, other.Length - from));
                        break;
                    }
                }
            }
            return bytes.ToArray();
        }

        [Test]
        public void MutatedVectorsNeverEscapeAsAnythingButProtocolException()
        {
            var random = new Random(17);
            List<byte[]> seeds = Seeds();
            var limits = new MsgPackLimits();
            int decoded = 0;
            const int Iterations = 60000;
            for (int i = 0; i < Iterations; i++)
                Feed(Mutate(seeds[random.Next(seeds.Count)], random, seeds), limits, ref decoded);
            // Some mutations stay valid frames (a changed string byte, say); most must not.
            Assert.True(decoded > 0 && decoded < Iterations, "decoded " + decoded + " of " + Iterations);
        }

        [Test]
        public void RandomBytesNeverEscapeAsAnythingButProtocolException()
        {
            var random = new Random(23);
            var limits = new MsgPackLimits();
            int decoded = 0;
            for (int i = 0; i < 60000; i++)
            {
                var bytes = new byte[random.Next(65)];
                random.NextBytes(bytes);
                // Start half of them like a frame (an array with a server type tag) to get past the first check.
                if (bytes.Length > 2 && random.Next(2) == 0)
                {
                    bytes[0] = (byte)(0x90 | random.Next(16));
                    bytes[1] = (byte)(100 + random.Next(21));
                }
                Feed(bytes, limits, ref decoded);
            }
        }

        [Test]
        public void TightLimitsHoldUnderFuzzing()
        {
            var random = new Random(29);
            List<byte[]> seeds = Seeds();
            var limits = new MsgPackLimits { MaxDepth = 3, MaxCollectionItems = 4, MaxStringBytes = 8, MaxBinaryBytes = 8, MaxTotalItems = 20, MaxInputBytes = 256 };
            int decoded = 0;
            for (int i = 0; i < 20000; i++)
            {
                byte[] frame = Mutate(seeds[random.Next(seeds.Count)], random, seeds);
                if (frame.Length > limits.MaxInputBytes) continue;
                Feed(frame, limits, ref decoded);
            }
        }

        [Test]
        public void HostileShapesFailFastWithBadFrame()
        {
            var hostile = new List<byte[]>();
            var deep = new byte[4 * 1024 * 1024];
            for (int i = 0; i < deep.Length; i++)
                deep[i] = 0x91; // a 4 MiB tower of nested arrays
            hostile.Add(deep);
            var wide = new byte[4 * 1024 * 1024];
            wide[0] = 0xdd; // array32 of 4M items: over the item limit
            wide[1] = 0x00;
            wide[2] = 0x3f;
            wide[3] = 0xff;
            wide[4] = 0xf0;
            hostile.Add(wide);
            hostile.Add(Assert.FromHex("9369dbffffffff")); // a 4 GiB string announced in 7 bytes
            hostile.Add(Assert.FromHex("9369c6ffffffff")); // a 4 GiB binary
            hostile.Add(Assert.FromHex("9369dfffffffff")); // a map of 4G entries
            var clock = Stopwatch.StartNew();
            foreach (byte[] frame in hostile)
            {
                var e = Assert.Throws<ProtocolException>(() => ServerMessages.Decode(frame), "hostile frame of " + frame.Length + " bytes");
                Assert.Equal(ErrorCodes.BadFrame, e.Code, e.Message);
            }
            Console.WriteLine("     hostile frames refused in " + clock.ElapsedMilliseconds + " ms");
        }
    }
}
