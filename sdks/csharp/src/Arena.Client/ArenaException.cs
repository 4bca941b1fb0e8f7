// ArenaException: a request the gateway or room refused (JoinAsync: room_full, room_ended...),
// with the Error frame's code (Protocol.ErrorCodes), or one the client gave up on.
using System;

namespace Arena.Client
{
    public sealed class ArenaException : Exception
    {
        public string Code { get; private set; }

        public ArenaException(string code, string message)
            : base(code + ": " + message)
        {
            Code = code;
        }
    }
}
