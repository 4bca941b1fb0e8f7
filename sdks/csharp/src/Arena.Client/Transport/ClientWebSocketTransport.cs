// ClientWebSocketTransport: IWebSocketTransport over System.Net.WebSockets.ClientWebSocket
// (.NET Standard 2.0; Mono, Unity on desktop and mobile, Godot 4 C#).
//   var t = new ClientWebSocketTransport { MaxFrameBytes = 1 << 20 };
//
// Two background loops per connection: the receive loop assembles binary frames (bounded by
// MaxFrameBytes: a larger frame closes the connection with 1009 instead of growing a buffer)
// and raises MessageReceived; the send loop drains a bounded queue, because ClientWebSocket
// allows only one send at a time while game code may send from any thread. A text frame is a
// protocol error (Arena sends binary frames only) and closes the connection with 1003.
using System;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Arena.Client.Transport
{
    public sealed class ClientWebSocketTransport : IWebSocketTransport
    {
        /// <summary>Largest frame accepted from the server; a larger one closes the connection (1009).</summary>
        public int MaxFrameBytes { get; set; }

        /// <summary>Frames that may wait to be sent; Send returns false beyond it.</summary>
        public int MaxQueuedFrames { get; set; }

        /// <summary>How long a clean close waits for the server's answer before dropping the socket.</summary>
        public TimeSpan CloseTimeout { get; set; }

        /// <summary>
        /// After a failed connect without an HTTP status (Mono does not report it), ask the
        /// gateway once more over a plain socket to learn it (see UpgradeProbe).
        /// </summary>
        public bool ProbeRefusals { get; set; }

        public TimeSpan ProbeTimeout { get; set; }

        public event Action<byte[]> MessageReceived;
        public event Action<int, string> Closed;

        private readonly ConcurrentQueue<byte[]> sendQueue = new ConcurrentQueue<byte[]>();
        private readonly SemaphoreSlim sendSignal = new SemaphoreSlim(0);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private ClientWebSocket socket;
        private int queued;
        private int open; // 1 between a successful connect and the end of the connection
        private int closedRaised;
        private int closeRequested;
        private int closeCode;
        private string closeReason;

        public ClientWebSocketTransport()
        {
            MaxFrameBytes = 4 * 1024 * 1024;
            MaxQueuedFrames = 1024;
            CloseTimeout = TimeSpan.FromSeconds(5);
            ProbeRefusals = true;
            ProbeTimeout = TimeSpan.FromSeconds(5);
        }

        public async Task ConnectAsync(Uri uri, CancellationToken cancellation)
        {
            if (socket != null) throw new InvalidOperationException("a transport connects once; make a new one to reconnect");
            socket = new ClientWebSocket();
            try
            {
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, stop.Token))
                {
                    Task connect = socket.ConnectAsync(uri, linked.Token);
                    // Not every runtime honours cancellation while the TCP connect is pending.
                    var cancelled = new TaskCompletionSource<bool>();
                    using (linked.Token.Register(() => cancelled.TrySetResult(true)))
                    {
                        if (await Task.WhenAny(connect, cancelled.Task).ConfigureAwait(false) != connect)
                        {
                            socket.Abort();
                            Observe(connect);
                            throw new TransportException("connecting to " + Redact(uri) + " timed out or was cancelled", 0, null);
                        }
                    }
                    await connect.ConfigureAwait(false);
                }
            }
            catch (TransportException)
            {
                throw;
            }
            catch (Exception e)
            {
                Exception root = e is AggregateException ? e.InnerException ?? e : e;
                int status = HttpStatusOf(root);
                string detail = "";
                if (status == 0 && ProbeRefusals && !cancellation.IsCancellationRequested)
                {
                    UpgradeAnswer answer = await UpgradeProbe.RunAsync(uri, ProbeTimeout).ConfigureAwait(false);
                    if (answer.Status != 101) status = answer.Status;
                    if (answer.Body.Length > 0) detail = ": " + answer.Body;
                }
                throw new TransportException(
                    "connecting to " + Redact(uri) + " failed: " + (status != 0 ? "HTTP " + status + detail : Describe(root)),
                    status,
                    root
                );
            }
            Interlocked.Exchange(ref open, 1);
            StartLoops();
        }

        // Not async: the loops run on their own and report through Closed.
        private void StartLoops()
        {
            Task.Run(() => ReceiveLoop());
            Task.Run(() => SendLoop());
        }

        public bool Send(byte[] frame)
        {
            if (frame == null) throw new ArgumentNullException("frame");
            if (Volatile.Read(ref open) == 0 || Volatile.Read(ref closeRequested) == 1) return false;
            if (Interlocked.Increment(ref queued) > MaxQueuedFrames)
            {
                Interlocked.Decrement(ref queued);
                return false;
            }
            sendQueue.Enqueue(frame);
            sendSignal.Release();
            return true;
        }

        public void Close(int code, string reason)
        {
            if (Interlocked.Exchange(ref closeRequested, 1) == 1) return;
            closeCode = code;
            closeReason = reason ?? "";
            if (Volatile.Read(ref open) == 0)
            {
                stop.Cancel();
                return;
            }
            sendSignal.Release(); // the send loop sends the close frame after what is queued
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref open, 0);
            stop.Cancel();
            var s = socket;
            if (s != null)
            {
                s.Abort();
                s.Dispose();
            }
        }

        private async Task ReceiveLoop()
        {
            var buffer = new byte[16 * 1024];
            int length = 0;
            int code = 1006;
            string reason = "connection lost";
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxFrameBytes)
                        {
                            code = CloseCodeMessageTooBig;
                            reason = "frame over " + MaxFrameBytes + " bytes";
                            await CloseSocket(code, reason).ConfigureAwait(false);
                            break;
                        }
                        Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, MaxFrameBytes));
                    }
                    WebSocketReceiveResult r = await socket
                        .ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), stop.Token)
                        .ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        code = r.CloseStatus.HasValue ? (int)r.CloseStatus.Value : 1005;
                        reason = r.CloseStatusDescription ?? "";
                        if (socket.State == WebSocketState.CloseReceived)
                            await CloseSocket(code, "").ConfigureAwait(false);
                        break;
                    }
                    if (r.MessageType == WebSocketMessageType.Text)
                    {
                        code = 1003;
                        reason = "text frame received: Arena sends binary frames only";
                        await CloseSocket(code, reason).ConfigureAwait(false);
                        break;
                    }
                    length += r.Count;
                    if (!r.EndOfMessage) continue;
                    var frame = new byte[length];
                    Buffer.BlockCopy(buffer, 0, frame, 0, length);
                    length = 0;
                    var handler = MessageReceived;
                    if (handler != null) handler(frame);
                }
            }
            catch (Exception e)
            {
                if (Volatile.Read(ref closeRequested) == 1 && stop.IsCancellationRequested)
                {
                    code = closeCode;
                    reason = closeReason;
                }
                else
                    reason = "connection lost: " + Describe(e);
            }
            Finish(code, reason);
        }

        private const int CloseCodeMessageTooBig = 1009;

        private async Task SendLoop()
        {
            try
            {
                while (true)
                {
                    await sendSignal.WaitAsync(stop.Token).ConfigureAwait(false);
                    byte[] frame;
                    if (sendQueue.TryDequeue(out frame))
                    {
                        Interlocked.Decrement(ref queued);
                        await socket
                            .SendAsync(new ArraySegment<byte>(frame), WebSocketMessageType.Binary, true, stop.Token)
                            .ConfigureAwait(false);
                        continue;
                    }
                    if (Volatile.Read(ref closeRequested) == 1)
                    {
                        await CloseSocket(closeCode, closeReason).ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (Exception)
            {
                // The receive loop sees the broken socket and reports it; make sure it does.
                if (!stop.IsCancellationRequested) socket.Abort();
            }
        }

        /// <summary>Sends a close frame (once) and gives the server CloseTimeout to answer.</summary>
        private async Task CloseSocket(int code, string reason)
        {
            try
            {
                if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
                {
                    using (var timeout = new CancellationTokenSource(CloseTimeout))
                        await socket.CloseOutputAsync((WebSocketCloseStatus)code, Truncate(reason), timeout.Token).ConfigureAwait(false);
                }
                // The receive loop is waiting for the server's close frame; stop waiting after a while.
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    Thread.Sleep(CloseTimeout);
                    if (Volatile.Read(ref open) == 1) stop.Cancel();
                });
            }
            catch (Exception)
            {
                stop.Cancel();
            }
        }

        private void Finish(int code, string reason)
        {
            Interlocked.Exchange(ref open, 0);
            if (Interlocked.Exchange(ref closedRaised, 1) == 1) return;
            stop.Cancel();
            var handler = Closed;
            if (handler != null) handler(code, reason);
        }

        /// <summary>Close reasons are limited to 123 UTF-8 bytes.</summary>
        private static string Truncate(string reason)
        {
            if (reason == null) return "";
            return reason.Length > 60 ? reason.Substring(0, 60) : reason;
        }

        private static void Observe(Task task)
        {
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        private static string Describe(Exception e)
        {
            string message = e.Message;
            for (Exception inner = e.InnerException; inner != null; inner = inner.InnerException)
                message += ": " + inner.Message;
            return message;
        }

        private static readonly Regex StatusPattern = new Regex(@"status code '([1-5][0-9][0-9])'");

        /// <summary>
        /// The HTTP status the server answered to the upgrade. .NET Standard 2.0 has no property
        /// for it, so it is read from the exception's message ("... status code '401' ...").
        /// </summary>
        private static int HttpStatusOf(Exception e)
        {
            for (Exception x = e; x != null; x = x.InnerException)
            {
                if (!(x is WebSocketException)) continue;
                for (Match m = StatusPattern.Match(x.Message); m.Success; m = m.NextMatch())
                    if (m.Groups[1].Value != "101") return int.Parse(m.Groups[1].Value);
            }
            return 0;
        }

        /// <summary>The URL without its query (it holds the token).</summary>
        private static string Redact(Uri uri)
        {
            return uri.GetLeftPart(UriPartial.Path);
        }
    }
}
