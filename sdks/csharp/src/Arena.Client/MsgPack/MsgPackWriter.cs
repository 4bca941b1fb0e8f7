// MsgPackWriter: a msgpack encoder that always picks the smallest encoding of each value.
//   var w = new MsgPackWriter();
//   w.WriteArrayHeader(2); w.WriteInt64(4); w.WriteNumber(1234.5);
//   byte[] frame = w.ToArray();
//   byte[] bytes = MsgPackWriter.Encode(new object[] { 1, "a", null });   // value trees
//
// WriteNumber(double) writes a number the way Arena's TypeScript codec (msgpackr) does: an
// integral value from -2^31 to 2^32-1 as the smallest integer, anything else as float64. Use
// it for fields the protocol calls "number" so that C# and TypeScript produce the same bytes.
// WriteValue encodes a value tree: null, bool, every integral type, float (float32), double
// (float64), string, byte[] (bin), IDictionary (map), IList (array); anything else, nesting
// deeper than MaxDepth (a cycle) or a collection over uint32 items is a MsgPackException.
using System;
using System.Collections;
using System.Text;

namespace Arena.Client.MsgPack
{
    public sealed class MsgPackWriter
    {
        /// <summary>Deepest nesting WriteValue follows (also stops reference cycles).</summary>
        public const int MaxDepth = 64;

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        private byte[] buffer;
        private int length;

        public MsgPackWriter(int initialCapacity = 256)
        {
            buffer = new byte[Math.Max(16, initialCapacity)];
        }

        public static byte[] Encode(object value)
        {
            var w = new MsgPackWriter();
            w.WriteValue(value);
            return w.ToArray();
        }

        public int Length
        {
            get { return length; }
        }

        public byte[] ToArray()
        {
            var copy = new byte[length];
            Buffer.BlockCopy(buffer, 0, copy, 0, length);
            return copy;
        }

        /// <summary>Forgets what was written; the buffer is kept for reuse.</summary>
        public void Clear()
        {
            length = 0;
        }

        public void WriteNil()
        {
            Ensure(1);
            buffer[length++] = 0xc0;
        }

        public void WriteBoolean(bool value)
        {
            Ensure(1);
            buffer[length++] = value ? (byte)0xc3 : (byte)0xc2;
        }

        public void WriteInt64(long value)
        {
            if (value >= 0)
            {
                WriteUInt64((ulong)value);
                return;
            }
            Ensure(9);
            if (value >= -32)
                buffer[length++] = unchecked((byte)(sbyte)value);
            else if (value >= sbyte.MinValue)
            {
                buffer[length++] = 0xd0;
                buffer[length++] = unchecked((byte)(sbyte)value);
            }
            else if (value >= short.MinValue)
            {
                buffer[length++] = 0xd1;
                PutBigEndian(unchecked((ulong)value), 2);
            }
            else if (value >= int.MinValue)
            {
                buffer[length++] = 0xd2;
                PutBigEndian(unchecked((ulong)value), 4);
            }
            else
            {
                buffer[length++] = 0xd3;
                PutBigEndian(unchecked((ulong)value), 8);
            }
        }

        public void WriteUInt64(ulong value)
        {
            Ensure(9);
            if (value <= 0x7f)
                buffer[length++] = (byte)value;
            else if (value <= byte.MaxValue)
            {
                buffer[length++] = 0xcc;
                buffer[length++] = (byte)value;
            }
            else if (value <= ushort.MaxValue)
            {
                buffer[length++] = 0xcd;
                PutBigEndian(value, 2);
            }
            else if (value <= uint.MaxValue)
            {
                buffer[length++] = 0xce;
                PutBigEndian(value, 4);
            }
            else
            {
                buffer[length++] = 0xcf;
                PutBigEndian(value, 8);
            }
        }

        public void WriteSingle(float value)
        {
            Ensure(5);
            buffer[length++] = 0xca;
            uint bits = BitConverter.ToUInt32(BitConverter.GetBytes(value), 0);
            PutBigEndian(bits, 4);
        }

        public void WriteDouble(double value)
        {
            Ensure(9);
            buffer[length++] = 0xcb;
            PutBigEndian(unchecked((ulong)BitConverter.DoubleToInt64Bits(value)), 8);
        }

        /// <summary>A JavaScript number as Arena's TypeScript codec writes it (see the file header).</summary>
        public void WriteNumber(double value)
        {
            if (value >= -2147483648.0 && value <= 4294967295.0 && Math.Floor(value) == value)
                WriteInt64((long)value); // -0 becomes 0, as in msgpackr
            else if (double.IsNaN(value))
                WriteDouble(BitConverter.Int64BitsToDouble(0x7ff8000000000000)); // JavaScript's NaN; .NET's has the sign bit set
            else
                WriteDouble(value);
        }

        public void WriteString(string value)
        {
            if (value == null)
            {
                WriteNil();
                return;
            }
            int size = Utf8.GetByteCount(value);
            if (size < 32)
            {
                Ensure(1 + size);
                buffer[length++] = (byte)(0xa0 | size);
            }
            else if (size <= byte.MaxValue)
            {
                Ensure(2 + size);
                buffer[length++] = 0xd9;
                buffer[length++] = (byte)size;
            }
            else if (size <= ushort.MaxValue)
            {
                Ensure(3 + size);
                buffer[length++] = 0xda;
                PutBigEndian((ulong)size, 2);
            }
            else
            {
                Ensure(5 + size);
                buffer[length++] = 0xdb;
                PutBigEndian((ulong)size, 4);
            }
            length += Utf8.GetBytes(value, 0, value.Length, buffer, length);
        }

        public void WriteBinary(byte[] value)
        {
            if (value == null)
            {
                WriteNil();
                return;
            }
            WriteBinary(value, 0, value.Length);
        }

        public void WriteBinary(byte[] value, int offset, int count)
        {
            if (value == null) throw new ArgumentNullException("value");
            if (offset < 0 || count < 0 || offset > value.Length - count)
                throw new ArgumentOutOfRangeException("offset", "offset and count must lie inside the array");
            Ensure(5 + count);
            if (count <= byte.MaxValue)
            {
                buffer[length++] = 0xc4;
                buffer[length++] = (byte)count;
            }
            else if (count <= ushort.MaxValue)
            {
                buffer[length++] = 0xc5;
                PutBigEndian((ulong)count, 2);
            }
            else
            {
                buffer[length++] = 0xc6;
                PutBigEndian((ulong)count, 4);
            }
            Buffer.BlockCopy(value, offset, buffer, length, count);
            length += count;
        }

        public void WriteArrayHeader(int count)
        {
            WriteCollectionHeader(count, 0x90, 0xdc, 0xdd);
        }

        public void WriteMapHeader(int count)
        {
            WriteCollectionHeader(count, 0x80, 0xde, 0xdf);
        }

        /// <summary>Writes a value tree (see the file header for the types it takes).</summary>
        public void WriteValue(object value)
        {
            WriteValue(value, 1);
        }

        private void WriteValue(object value, int depth)
        {
            if (value == null)
            {
                WriteNil();
                return;
            }
            switch (Type.GetTypeCode(value.GetType()))
            {
                case TypeCode.Boolean:
                    WriteBoolean((bool)value);
                    return;
                case TypeCode.SByte:
                    WriteInt64((sbyte)value);
                    return;
                case TypeCode.Int16:
                    WriteInt64((short)value);
                    return;
                case TypeCode.Int32:
                    WriteInt64((int)value);
                    return;
                case TypeCode.Int64:
                    WriteInt64((long)value);
                    return;
                case TypeCode.Byte:
                    WriteUInt64((byte)value);
                    return;
                case TypeCode.UInt16:
                    WriteUInt64((ushort)value);
                    return;
                case TypeCode.UInt32:
                    WriteUInt64((uint)value);
                    return;
                case TypeCode.UInt64:
                    WriteUInt64((ulong)value);
                    return;
                case TypeCode.Single:
                    WriteSingle((float)value);
                    return;
                case TypeCode.Double:
                    WriteDouble((double)value);
                    return;
                case TypeCode.String:
                    WriteString((string)value);
                    return;
            }
            var bytes = value as byte[];
            if (bytes != null)
            {
                WriteBinary(bytes);
                return;
            }
            if (depth > MaxDepth)
                throw new MsgPackException("value nested deeper than " + MaxDepth + " levels (a cycle?)");
            var map = value as IDictionary;
            if (map != null)
            {
                WriteMapHeader(map.Count);
                foreach (DictionaryEntry entry in map)
                {
                    WriteValue(entry.Key, depth + 1);
                    WriteValue(entry.Value, depth + 1);
                }
                return;
            }
            var list = value as IList;
            if (list != null)
            {
                WriteArrayHeader(list.Count);
                for (int i = 0; i < list.Count; i++)
                    WriteValue(list[i], depth + 1);
                return;
            }
            throw new MsgPackException("cannot encode a value of type " + value.GetType().FullName + " as msgpack");
        }

        private void WriteCollectionHeader(int count, byte fix, byte sixteen, byte thirtyTwo)
        {
            if (count < 0) throw new ArgumentOutOfRangeException("count");
            Ensure(5);
            if (count < 16)
                buffer[length++] = (byte)(fix | count);
            else if (count <= ushort.MaxValue)
            {
                buffer[length++] = sixteen;
                PutBigEndian((ulong)count, 2);
            }
            else
            {
                buffer[length++] = thirtyTwo;
                PutBigEndian((ulong)count, 4);
            }
        }

        private void PutBigEndian(ulong value, int size)
        {
            for (int i = size - 1; i >= 0; i--)
            {
                buffer[length + i] = (byte)value;
                value >>= 8;
            }
            length += size;
        }

        private void Ensure(int more)
        {
            if ((long)length + more <= buffer.Length) return;
            long wanted = Math.Max((long)buffer.Length * 2, (long)length + more);
            if (wanted > int.MaxValue) throw new MsgPackException("msgpack output over 2 GiB");
            Array.Resize(ref buffer, (int)wanted);
        }
    }
}
