// MsgPackLimits: bounds on what a MsgPackReader accepts from untrusted bytes.
//   new MsgPackLimits { MaxDepth = 32, MaxCollectionItems = 10000, ... }
// Every bound is checked before memory is allocated for it, so a hostile frame fails with a
// MsgPackException instead of exhausting memory or the stack.
namespace Arena.Client.MsgPack
{
    public sealed class MsgPackLimits
    {
        /// <summary>Largest input the reader accepts at all (bytes).</summary>
        public int MaxInputBytes { get; set; }

        /// <summary>Deepest nesting of arrays and maps (the top-level value is depth 1).</summary>
        public int MaxDepth { get; set; }

        /// <summary>Most items in one array, or entries in one map.</summary>
        public int MaxCollectionItems { get; set; }

        /// <summary>Most values (of any type, nested ones included) in one decoded tree.</summary>
        public int MaxTotalItems { get; set; }

        /// <summary>Longest string (UTF-8 bytes).</summary>
        public int MaxStringBytes { get; set; }

        /// <summary>Longest binary value (bytes).</summary>
        public int MaxBinaryBytes { get; set; }

        public MsgPackLimits()
        {
            MaxInputBytes = 4 * 1024 * 1024;
            MaxDepth = 64;
            MaxCollectionItems = 100000;
            MaxTotalItems = 1000000;
            MaxStringBytes = 1024 * 1024;
            MaxBinaryBytes = 4 * 1024 * 1024;
        }

        /// <summary>A fresh instance with the default bounds (callers may change it).</summary>
        public static MsgPackLimits Default
        {
            get { return new MsgPackLimits(); }
        }
    }
}
