// IWebSocketTransport: one WebSocket connection carrying binary frames, as GatewayConnection
// uses it. ClientWebSocketTransport implements it over System.Net.WebSockets.ClientWebSocket;
// an engine with its own socket (Unity WebGL's browser WebSocket, say) can implement it too.
//   var t = new ClientWebSocketTransport();
//   t.MessageReceived += bytes => ...;  t.Closed += (code, reason) => ...;   // background threads
//   await t.ConnectAsync(uri, ct);  t.Send(frame);  t.Close(1000, "bye");
using System;
using System.Threading;
using System.Threading.Tasks;

namespace Arena.Client.Transport
{
    public interface IWebSocketTransport : IDisposable
    {
        /// <summary>A whole binary frame arrived (raised on a background thread, one at a time, in order).</summary>
        event Action<byte[]> MessageReceived;

        /// <summary>
        /// The open connection ended (raised once, on a background thread, after the last
        /// MessageReceived): the peer's close code and reason, or 1006 with a description
        /// when the connection broke without a close frame.
        /// </summary>
        event Action<int, string> Closed;

        /// <summary>Opens the connection; throws TransportException when it cannot.</summary>
        Task ConnectAsync(Uri uri, CancellationToken cancellation);

        /// <summary>Queues a binary frame; false when not open or the send queue is full (the frame is not sent).</summary>
        bool Send(byte[] frame);

        /// <summary>Starts a clean close; Closed follows.</summary>
        void Close(int code, string reason);
    }

    /// <summary>A connection attempt that failed; HttpStatus is the gateway's answer to the upgrade when known.</summary>
    public sealed class TransportException : Exception
    {
        /// <summary>The HTTP status the server answered instead of 101, or 0 when unknown (refused, timeout...).</summary>
        public int HttpStatus { get; private set; }

        public TransportException(string message, int httpStatus, Exception inner)
            : base(message, inner)
        {
            HttpStatus = httpStatus;
        }
    }
}
