// UpgradeProbe: learns why a gateway refused a WebSocket upgrade, when ClientWebSocket won't say.
//   UpgradeAnswer a = await UpgradeProbe.RunAsync(uri, TimeSpan.FromSeconds(5));  // a.Status: 401, 426, 503...
//
// Mono's ClientWebSocket (Debian's Mono 6.8, and Unity's Mono) reports a refused upgrade as
// "Unable to connect to the remote server", without the HTTP status; .NET Core puts it in
// the message. The gateway's answer decides what a client should do (401: log in again, 426:
// update the game, 503: try another gateway), so after a failure without a status the
// transport repeats the same upgrade request once over a plain socket (TLS for wss) and reads
// the status line and a short body. If the gateway accepts it this time (101), the probe
// closes at once; the gateway sees a connection that ended before its welcome.
using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Arena.Client.Transport
{
    public sealed class UpgradeAnswer
    {
        /// <summary>The HTTP status, or 0 when no HTTP answer came (refused, timed out, not HTTP).</summary>
        public int Status;

        /// <summary>The start of the answer's body (the gateway's reason), or "".</summary>
        public string Body = "";
    }

    public static class UpgradeProbe
    {
        private const int MaxHeaderBytes = 8 * 1024;
        private const int MaxBodyBytes = 512;

        public static async Task<UpgradeAnswer> RunAsync(Uri uri, TimeSpan timeout)
        {
            var answer = new UpgradeAnswer();
            using (var cts = new CancellationTokenSource(timeout))
            using (var tcp = new TcpClient())
            using (cts.Token.Register(() => tcp.Close()))
            {
                try
                {
                    int port = uri.IsDefaultPort ? (uri.Scheme == "wss" ? 443 : 80) : uri.Port;
                    await tcp.ConnectAsync(uri.Host, port).ConfigureAwait(false);
                    Stream stream = tcp.GetStream();
                    if (uri.Scheme == "wss")
                    {
                        var tls = new SslStream(stream, false);
                        await tls.AuthenticateAsClientAsync(uri.Host).ConfigureAwait(false);
                        stream = tls;
                    }
                    var key = new byte[16];
                    new Random().NextBytes(key);
                    string request =
                        "GET " + uri.PathAndQuery + " HTTP/1.1\r\n" +
                        "Host: " + uri.Authority + "\r\n" +
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
                        "Sec-WebSocket-Key: " + Convert.ToBase64String(key) + "\r\n" +
                        "Sec-WebSocket-Version: 13\r\n\r\n";
                    byte[] bytes = Encoding.ASCII.GetBytes(request);
                    await stream.WriteAsync(bytes, 0, bytes.Length, cts.Token).ConfigureAwait(false);
                    await ReadAnswer(stream, answer, cts.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // No (complete) HTTP answer: what was read so far is the result.
                }
            }
            return answer;
        }

        private static async Task ReadAnswer(Stream stream, UpgradeAnswer answer, CancellationToken cancellation)
        {
            var buffer = new byte[MaxHeaderBytes + MaxBodyBytes];
            int length = 0;
            int headerEnd = -1;
            while (headerEnd < 0 && length < MaxHeaderBytes)
            {
                int n = await stream.ReadAsync(buffer, length, MaxHeaderBytes - length, cancellation).ConfigureAwait(false);
                if (n <= 0) break;
                length += n;
                headerEnd = IndexOf(buffer, length, "\r\n\r\n");
            }
            string head = Encoding.ASCII.GetString(buffer, 0, headerEnd < 0 ? length : headerEnd);
            // "HTTP/1.1 401 Unauthorized"
            string[] status = head.Split(new[] { "\r\n" }, StringSplitOptions.None)[0].Split(' ');
            int code;
            if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(status[1], out code)) return;
            answer.Status = code;
            if (headerEnd < 0 || code == 101) return;
            int contentLength = MaxBodyBytes;
            foreach (string line in head.Split(new[] { "\r\n" }, StringSplitOptions.None))
            {
                int colon = line.IndexOf(':');
                int parsed;
                if (colon > 0 && line.Substring(0, colon).Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(line.Substring(colon + 1).Trim(), out parsed))
                    contentLength = Math.Min(Math.Max(0, parsed), MaxBodyBytes);
            }
            int bodyStart = headerEnd + 4;
            while (length - bodyStart < contentLength)
            {
                int n = await stream.ReadAsync(buffer, length, Math.Min(buffer.Length - length, bodyStart + contentLength - length), cancellation).ConfigureAwait(false);
                if (n <= 0) break;
                length += n;
            }
            answer.Body = Encoding.UTF8.GetString(buffer, bodyStart, Math.Min(length - bodyStart, contentLength));
        }

        private static int IndexOf(byte[] buffer, int length, string pattern)
        {
            for (int i = 0; i + pattern.Length <= length; i++)
            {
                int j = 0;
                while (j < pattern.Length && buffer[i + j] == pattern[j])
                    j++;
                if (j == pattern.Length) return i;
            }
            return -1;
        }
    }
}
