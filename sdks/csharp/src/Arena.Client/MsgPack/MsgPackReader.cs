// MsgPackReader: a bounded msgpack decoder for untrusted bytes.
//   object v = MsgPackReader.Decode(bytes);            // one whole value, nothing after it
//   var r = new MsgPackReader(bytes, 0, n, limits);    // or step by step:
//   int n = r.ReadArrayHeader(); long tag = r.ReadInt64(); string s = r.ReadString(); r.Skip();
//
// Value tree (ReadValue / Decode): nil -> null, bool -> bool, integers -> long (a uint64 above
// long.MaxValue -> ulong), float32 -> float, float64 -> double, str -> string, bin -> byte[],
// array -> object[], map -> Dictionary<string, object>.
//
// Map keys must be strings or integers (integers become their decimal string): that is what
// JavaScript objects hold, and what Arena's TypeScript codec produces from such keys. Other
// key types are refused. A repeated key keeps its last value, as in the TypeScript codec.
// Extension types (0xc7-0xc9, 0xd4-0xd8) are refused: Arena frames never contain them.
// Strings are UTF-8; invalid sequences become U+FFFD, as in the TypeScript codec.
//
// Every failure is a MsgPackException with the byte offset. Lengths are checked against the
// bytes that remain and against MsgPackLimits before anything is allocated, and nesting
// deeper than MaxDepth is refused, so hostile input cannot hang, overflow the stack or
// allocate more than a small multiple of its own size.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Arena.Client.MsgPack
{
    public enum MsgPackType
    {
        Nil,
        Boolean,
        Integer,
        Float,
        String,
        Binary,
        Array,
        Map,
        Extension,
        NeverUsed,
    }

    public sealed class MsgPackReader
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        private readonly byte[] buffer;
        private readonly int start;
        private readonly int end;
        private readonly MsgPackLimits limits;
        private int pos;
        private int totalItems;

        public MsgPackReader(byte[] buffer)
            : this(buffer, 0, buffer == null ? 0 : buffer.Length, null) { }

        public MsgPackReader(byte[] buffer, int offset, int count, MsgPackLimits limits)
        {
            if (buffer == null) throw new ArgumentNullException("buffer");
            if (offset < 0 || count < 0 || offset > buffer.Length - count)
                throw new ArgumentOutOfRangeException("offset", "offset and count must lie inside the buffer");
            this.limits = limits ?? MsgPackLimits.Default;
            if (count > this.limits.MaxInputBytes)
                throw new MsgPackException(
                    "input of " + count + " bytes is over the limit of " + this.limits.MaxInputBytes + " bytes",
                    0
                );
            this.buffer = buffer;
            start = offset;
            end = offset + count;
            pos = offset;
        }

        /// <summary>Decodes exactly one value filling the whole input (trailing bytes are an error).</summary>
        public static object Decode(byte[] bytes, MsgPackLimits limits = null)
        {
            if (bytes == null) throw new ArgumentNullException("bytes");
            return Decode(bytes, 0, bytes.Length, limits);
        }

        public static object Decode(byte[] bytes, int offset, int count, MsgPackLimits limits = null)
        {
            var reader = new MsgPackReader(bytes, offset, count, limits);
            object value = reader.ReadValue();
            reader.ExpectEnd();
            return value;
        }

        /// <summary>Bytes consumed so far.</summary>
        public int Position
        {
            get { return pos - start; }
        }

        public int Remaining
        {
            get { return end - pos; }
        }

        public bool IsAtEnd
        {
            get { return pos >= end; }
        }

        /// <summary>Throws unless every byte of the input has been read.</summary>
        public void ExpectEnd()
        {
            if (pos != end)
                throw Fail(Remaining + " unexpected byte(s) after the value");
        }

        public MsgPackType PeekType()
        {
            byte b = PeekByte();
            if (b <= 0x7f || b >= 0xe0) return MsgPackType.Integer;
            if (b <= 0x8f) return MsgPackType.Map;
            if (b <= 0x9f) return MsgPackType.Array;
            if (b <= 0xbf) return MsgPackType.String;
            switch (b)
            {
                case 0xc0:
                    return MsgPackType.Nil;
                case 0xc1:
                    return MsgPackType.NeverUsed;
                case 0xc2:
                case 0xc3:
                    return MsgPackType.Boolean;
                case 0xc4:
                case 0xc5:
                case 0xc6:
                    return MsgPackType.Binary;
                case 0xca:
                case 0xcb:
                    return MsgPackType.Float;
                case 0xcc:
                case 0xcd:
                case 0xce:
                case 0xcf:
                case 0xd0:
                case 0xd1:
                case 0xd2:
                case 0xd3:
                    return MsgPackType.Integer;
                case 0xd9:
                case 0xda:
                case 0xdb:
                    return MsgPackType.String;
                case 0xdc:
                case 0xdd:
                    return MsgPackType.Array;
                case 0xde:
                case 0xdf:
                    return MsgPackType.Map;
                default:
                    return MsgPackType.Extension; // 0xc7-0xc9, 0xd4-0xd8
            }
        }

        public void ReadNil()
        {
            if (PeekByte() != 0xc0) throw Unexpected("nil");
            pos++;
        }

        /// <summary>Consumes a nil and returns true, or returns false and consumes nothing.</summary>
        public bool TryReadNil()
        {
            if (PeekByte() != 0xc0) return false;
            pos++;
            return true;
        }

        public bool ReadBoolean()
        {
            byte b = PeekByte();
            if (b == 0xc2 || b == 0xc3)
            {
                pos++;
                return b == 0xc3;
            }
            throw Unexpected("a boolean");
        }

        /// <summary>Any msgpack integer that fits a long.</summary>
        public long ReadInt64()
        {
            int at = pos;
            bool negative;
            ulong magnitude = ReadIntegerBits(out negative);
            if (negative) return unchecked((long)magnitude);
            if (magnitude > long.MaxValue)
                throw new MsgPackException("integer " + magnitude + " does not fit a signed 64-bit value", at - start);
            return (long)magnitude;
        }

        /// <summary>Any msgpack integer from 0 to ulong.MaxValue.</summary>
        public ulong ReadUInt64()
        {
            int at = pos;
            bool negative;
            ulong bits = ReadIntegerBits(out negative);
            if (negative)
                throw new MsgPackException("negative integer " + unchecked((long)bits) + " where an unsigned one is expected", at - start);
            return bits;
        }

        public int ReadInt32()
        {
            int at = pos;
            long v = ReadInt64();
            if (v < int.MinValue || v > int.MaxValue)
                throw new MsgPackException("integer " + v + " does not fit a 32-bit value", at - start);
            return (int)v;
        }

        /// <summary>Any msgpack number (integer or float) as a double, as JavaScript reads it.</summary>
        public double ReadDouble()
        {
            byte b = PeekByte();
            if (b == 0xca)
            {
                Need(5);
                pos++;
                return ReadFloat32Bits();
            }
            if (b == 0xcb)
            {
                Need(9);
                pos++;
                return ReadFloat64Bits();
            }
            bool negative;
            ulong bits = ReadIntegerBits(out negative);
            return negative ? (double)unchecked((long)bits) : (double)bits;
        }

        public string ReadString()
        {
            byte b = PeekByte();
            int length;
            if (b >= 0xa0 && b <= 0xbf)
            {
                pos++;
                length = b & 0x1f;
            }
            else if (b == 0xd9 || b == 0xda || b == 0xdb)
            {
                pos++;
                length = ReadLength(b == 0xd9 ? 1 : b == 0xda ? 2 : 4, "string");
            }
            else
                throw Unexpected("a string");
            if (length > limits.MaxStringBytes)
                throw Fail("string of " + length + " bytes is over the limit of " + limits.MaxStringBytes);
            Need(length);
            string s = Utf8.GetString(buffer, pos, length);
            pos += length;
            return s;
        }

        public byte[] ReadBinary()
        {
            byte b = PeekByte();
            if (b < 0xc4 || b > 0xc6) throw Unexpected("binary");
            pos++;
            int length = ReadLength(b == 0xc4 ? 1 : b == 0xc5 ? 2 : 4, "binary");
            if (length > limits.MaxBinaryBytes)
                throw Fail("binary of " + length + " bytes is over the limit of " + limits.MaxBinaryBytes);
            Need(length);
            var bytes = new byte[length];
            Buffer.BlockCopy(buffer, pos, bytes, 0, length);
            pos += length;
            return bytes;
        }

        /// <summary>The item count of an array; the items follow.</summary>
        public int ReadArrayHeader()
        {
            byte b = PeekByte();
            int count;
            if (b >= 0x90 && b <= 0x9f)
            {
                pos++;
                count = b & 0x0f;
            }
            else if (b == 0xdc || b == 0xdd)
            {
                pos++;
                count = ReadLength(b == 0xdc ? 2 : 4, "array");
            }
            else
                throw Unexpected("an array");
            CheckCount(count, 1, "array");
            return count;
        }

        /// <summary>The entry count of a map; key, value, key, value... follow.</summary>
        public int ReadMapHeader()
        {
            byte b = PeekByte();
            int count;
            if (b >= 0x80 && b <= 0x8f)
            {
                pos++;
                count = b & 0x0f;
            }
            else if (b == 0xde || b == 0xdf)
            {
                pos++;
                count = ReadLength(b == 0xde ? 2 : 4, "map");
            }
            else
                throw Unexpected("a map");
            CheckCount(count, 2, "map");
            return count;
        }

        /// <summary>Skips one value, nested ones included (within the depth limit).</summary>
        public void Skip()
        {
            SkipValue(1);
        }

        /// <summary>Reads one value as a tree (see the file header for the types).</summary>
        public object ReadValue()
        {
            return ReadValue(1);
        }

        private object ReadValue(int depth)
        {
            CountItem();
            int at = pos;
            switch (PeekType())
            {
                case MsgPackType.Nil:
                    pos++;
                    return null;
                case MsgPackType.Boolean:
                    return ReadBoolean();
                case MsgPackType.Integer:
                {
                    bool negative;
                    ulong bits = ReadIntegerBits(out negative);
                    if (negative || bits <= long.MaxValue) return unchecked((long)bits);
                    return bits;
                }
                case MsgPackType.Float:
                    if (PeekByte() == 0xca)
                    {
                        Need(5);
                        pos++;
                        return ReadFloat32Bits();
                    }
                    Need(9);
                    pos++;
                    return ReadFloat64Bits();
                case MsgPackType.String:
                    return ReadString();
                case MsgPackType.Binary:
                    return ReadBinary();
                case MsgPackType.Array:
                {
                    CheckDepth(depth);
                    int count = ReadArrayHeader();
                    var items = new object[count];
                    for (int i = 0; i < count; i++)
                        items[i] = ReadValue(depth + 1);
                    return items;
                }
                case MsgPackType.Map:
                {
                    CheckDepth(depth);
                    int count = ReadMapHeader();
                    var map = new Dictionary<string, object>(count);
                    for (int i = 0; i < count; i++)
                    {
                        string key = ReadKey();
                        map[key] = ReadValue(depth + 1);
                    }
                    return map;
                }
                case MsgPackType.Extension:
                    throw new MsgPackException(
                        "msgpack extension type 0x" + PeekByte().ToString("x2") + " is not allowed (Arena frames use none)",
                        at - start
                    );
                default:
                    throw new MsgPackException("byte 0xc1 is never used in msgpack", at - start);
            }
        }

        private string ReadKey()
        {
            CountItem();
            MsgPackType type = PeekType();
            if (type == MsgPackType.String) return ReadString();
            if (type == MsgPackType.Integer)
            {
                bool negative;
                ulong bits = ReadIntegerBits(out negative);
                return negative
                    ? unchecked((long)bits).ToString(CultureInfo.InvariantCulture)
                    : bits.ToString(CultureInfo.InvariantCulture);
            }
            throw Fail("map key of type " + type + " is not allowed (keys are strings or integers)");
        }

        private void SkipValue(int depth)
        {
            CountItem();
            byte b = PeekByte();
            int at = pos;
            switch (PeekType())
            {
                case MsgPackType.Nil:
                case MsgPackType.Boolean:
                    pos++;
                    return;
                case MsgPackType.Integer:
                case MsgPackType.Float:
                    ReadDouble();
                    return;
                case MsgPackType.String:
                    ReadString();
                    return;
                case MsgPackType.Binary:
                {
                    pos++;
                    int length = ReadLength(b == 0xc4 ? 1 : b == 0xc5 ? 2 : 4, "binary");
                    if (length > limits.MaxBinaryBytes)
                        throw Fail("binary of " + length + " bytes is over the limit of " + limits.MaxBinaryBytes);
                    Need(length);
                    pos += length;
                    return;
                }
                case MsgPackType.Array:
                {
                    CheckDepth(depth);
                    int count = ReadArrayHeader();
                    for (int i = 0; i < count; i++)
                        SkipValue(depth + 1);
                    return;
                }
                case MsgPackType.Map:
                {
                    CheckDepth(depth);
                    int count = ReadMapHeader();
                    for (int i = 0; i < 2 * count; i++)
                        SkipValue(depth + 1);
                    return;
                }
                case MsgPackType.Extension:
                    throw new MsgPackException(
                        "msgpack extension type 0x" + b.ToString("x2") + " is not allowed (Arena frames use none)",
                        at - start
                    );
                default:
                    throw new MsgPackException("byte 0xc1 is never used in msgpack", at - start);
            }
        }

        /// <summary>Reads an integer's bits; negative tells a signed value below zero.</summary>
        private ulong ReadIntegerBits(out bool negative)
        {
            byte b = PeekByte();
            negative = false;
            if (b <= 0x7f)
            {
                pos++;
                return b;
            }
            if (b >= 0xe0)
            {
                pos++;
                negative = true;
                return unchecked((ulong)(long)(sbyte)b);
            }
            switch (b)
            {
                case 0xcc:
                    Need(2);
                    pos++;
                    return ReadBigEndian(1);
                case 0xcd:
                    Need(3);
                    pos++;
                    return ReadBigEndian(2);
                case 0xce:
                    Need(5);
                    pos++;
                    return ReadBigEndian(4);
                case 0xcf:
                    Need(9);
                    pos++;
                    return ReadBigEndian(8);
                case 0xd0:
                {
                    Need(2);
                    pos++;
                    long v = (sbyte)ReadBigEndian(1);
                    negative = v < 0;
                    return unchecked((ulong)v);
                }
                case 0xd1:
                {
                    Need(3);
                    pos++;
                    long v = (short)ReadBigEndian(2);
                    negative = v < 0;
                    return unchecked((ulong)v);
                }
                case 0xd2:
                {
                    Need(5);
                    pos++;
                    long v = (int)ReadBigEndian(4);
                    negative = v < 0;
                    return unchecked((ulong)v);
                }
                case 0xd3:
                {
                    Need(9);
                    pos++;
                    long v = unchecked((long)ReadBigEndian(8));
                    negative = v < 0;
                    return unchecked((ulong)v);
                }
                default:
                    throw Unexpected("an integer");
            }
        }

        private float ReadFloat32Bits()
        {
            uint bits = (uint)ReadBigEndian(4);
            return BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
        }

        private double ReadFloat64Bits()
        {
            return BitConverter.Int64BitsToDouble(unchecked((long)ReadBigEndian(8)));
        }

        private ulong ReadBigEndian(int size)
        {
            ulong v = 0;
            for (int i = 0; i < size; i++)
                v = (v << 8) | buffer[pos + i];
            pos += size;
            return v;
        }

        /// <summary>A length field of a str, bin, array or map header (after its type byte).</summary>
        private int ReadLength(int size, string what)
        {
            Need(size, what + " length");
            ulong v = ReadBigEndian(size);
            if (v > int.MaxValue)
                throw Fail(what + " length " + v + " is over any limit");
            return (int)v;
        }

        private void CheckCount(int count, int minBytesPerItem, string what)
        {
            if (count > limits.MaxCollectionItems)
                throw Fail(what + " of " + count + " items is over the limit of " + limits.MaxCollectionItems);
            // Every item takes at least one byte: a count the input cannot hold is a lie.
            if ((long)count * minBytesPerItem > Remaining)
                throw Fail(what + " of " + count + " items cannot fit in the " + Remaining + " bytes left (truncated?)");
        }

        private void CheckDepth(int depth)
        {
            if (depth > limits.MaxDepth)
                throw Fail("nesting deeper than " + limits.MaxDepth + " levels");
        }

        private void CountItem()
        {
            if (++totalItems > limits.MaxTotalItems)
                throw Fail("more than " + limits.MaxTotalItems + " values in one input");
        }

        private byte PeekByte()
        {
            if (pos >= end) throw Fail("unexpected end of input (truncated?)");
            return buffer[pos];
        }

        private void Need(int bytes, string what = null)
        {
            if (bytes > end - pos)
                throw Fail(
                    "unexpected end of input: " + (what ?? "value") + " needs " + bytes + " byte(s), " + (end - pos) + " left (truncated?)"
                );
        }

        private MsgPackException Unexpected(string expected)
        {
            byte b = PeekByte();
            return Fail("expected " + expected + ", found " + PeekType() + " (type byte 0x" + b.ToString("x2") + ")");
        }

        private MsgPackException Fail(string message)
        {
            return new MsgPackException(message, pos - start);
        }
    }
}
