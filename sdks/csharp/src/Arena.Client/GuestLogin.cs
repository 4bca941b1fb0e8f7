// GuestLogin: the development login of a gateway, POST /auth/guest {"name"?} -> {playerId, token, expiresAt}.
//   GuestSession s = await GuestLogin.LoginAsync("http://127.0.0.1:8080", "Ada");
//   var client = new ArenaClient(new ArenaClientOptions { Gateways = urls, Token = s.Token });
// A game with its own accounts skips this and passes the token its backend issued.
using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Arena.Client
{
    public sealed class GuestSession
    {
        public string PlayerId;
        public string Token;

        /// <summary>Unix seconds after which the token is refused.</summary>
        public long ExpiresAt;
    }

    /// <summary>An HTTP answer other than success; Status is its code, Message the server's error text.</summary>
    public sealed class ArenaHttpException : Exception
    {
        public int Status { get; private set; }

        public ArenaHttpException(int status, string message)
            : base(message)
        {
            Status = status;
        }
    }

    public static class GuestLogin
    {
        private const int MaxAnswerBytes = 64 * 1024;

        // One HttpClient for the process, as .NET recommends (sockets are pooled by it).
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };

        /// <summary>Logs in as a new guest; name (1-24 letters, digits, space, _ . -) is optional.</summary>
        public static async Task<GuestSession> LoginAsync(string httpBaseUrl, string name = null, CancellationToken cancellation = default(CancellationToken))
        {
            if (string.IsNullOrEmpty(httpBaseUrl)) throw new ArgumentException("the gateway's HTTP base URL is needed", "httpBaseUrl");
            string body = name == null ? "{}" : "{\"name\":" + Json.Quote(name) + "}";
            var request = new HttpRequestMessage(HttpMethod.Post, httpBaseUrl.TrimEnd('/') + "/auth/guest")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using (request)
            using (HttpResponseMessage response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false))
            {
                long? length = response.Content.Headers.ContentLength;
                if (length.HasValue && length.Value > MaxAnswerBytes)
                    throw new ArenaHttpException((int)response.StatusCode, "guest login answer of " + length.Value + " bytes is too large");
                string text = await ReadBounded(response, cancellation).ConfigureAwait(false);
                object parsed;
                try
                {
                    parsed = Json.Parse(text);
                }
                catch (FormatException e)
                {
                    throw new ArenaHttpException((int)response.StatusCode, "guest login answered " + (int)response.StatusCode + " with non-JSON: " + e.Message);
                }
                var map = parsed as System.Collections.Generic.Dictionary<string, object>;
                if (!response.IsSuccessStatusCode)
                {
                    object error = null;
                    if (map != null) map.TryGetValue("error", out error);
                    throw new ArenaHttpException((int)response.StatusCode, "guest login failed (" + (int)response.StatusCode + "): " + (error as string ?? text));
                }
                object playerId = null, token = null, expiresAt = null;
                if (map != null)
                {
                    map.TryGetValue("playerId", out playerId);
                    map.TryGetValue("token", out token);
                    map.TryGetValue("expiresAt", out expiresAt);
                }
                if (!(playerId is string) || !(token is string) || !(expiresAt is long))
                    throw new ArenaHttpException((int)response.StatusCode, "guest login answer lacks playerId, token or expiresAt");
                return new GuestSession { PlayerId = (string)playerId, Token = (string)token, ExpiresAt = (long)expiresAt };
            }
        }

        private static async Task<string> ReadBounded(HttpResponseMessage response, CancellationToken cancellation)
        {
            using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            {
                var buffer = new byte[MaxAnswerBytes + 1];
                int length = 0;
                int n;
                while (length < buffer.Length && (n = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellation).ConfigureAwait(false)) > 0)
                    length += n;
                if (length > MaxAnswerBytes)
                    throw new ArenaHttpException((int)response.StatusCode, "guest login answer is over " + MaxAnswerBytes + " bytes");
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }

        /// <summary>The HTTP base of a gateway's WebSocket URL: ws://host:port/ws -> http://host:port.</summary>
        public static string HttpBaseOf(string gatewayUrl)
        {
            var uri = new Uri(gatewayUrl);
            string scheme = uri.Scheme == "wss" ? "https" : uri.Scheme == "ws" ? "http" : uri.Scheme;
            return scheme + "://" + uri.Authority;
        }
    }
}
