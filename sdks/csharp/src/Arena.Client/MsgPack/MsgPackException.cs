// MsgPackException: the one error a MsgPackReader raises for malformed, unsupported or
// over-limit input, and a MsgPackWriter raises for a value it cannot encode.
//   catch (MsgPackException e) { e.Offset /* byte where reading failed, -1 when writing */ }
using System;

namespace Arena.Client.MsgPack
{
    public sealed class MsgPackException : Exception
    {
        /// <summary>Byte offset in the input where decoding failed; -1 for encoding errors.</summary>
        public int Offset { get; private set; }

        public MsgPackException(string message, int offset)
            : base(offset >= 0 ? message + " (at byte " + offset + ")" : message)
        {
            Offset = offset;
        }

        public MsgPackException(string message)
            : this(message, -1) { }
    }
}
