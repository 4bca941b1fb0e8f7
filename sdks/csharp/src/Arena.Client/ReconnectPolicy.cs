// ReconnectPolicy: when GatewayConnection tries again, and when it stops trying.
//   new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(200), MaxAttempts = 10 }
//   class MyPolicy : ReconnectPolicy { public override TimeSpan? NextDelay(int failures) { ... } }
// Each failed attempt and each lost connection moves to the next gateway in the list; the
// delay before that attempt grows exponentially with the consecutive failures (with jitter so
// that thousands of clients of a dead gateway do not come back in the same millisecond) and
// resets once a gateway welcomes the client.
using System;

namespace Arena.Client
{
    public class ReconnectPolicy
    {
        /// <summary>False: never reconnect on its own (Disconnected says WillReconnect = false).</summary>
        public bool Enabled { get; set; }

        public TimeSpan InitialDelay { get; set; }
        public TimeSpan MaxDelay { get; set; }
        public double Multiplier { get; set; }

        /// <summary>Each delay is scaled by a random factor in [1 - Jitter, 1 + Jitter].</summary>
        public double Jitter { get; set; }

        /// <summary>Consecutive failed attempts before giving up; 0 tries for ever.</summary>
        public int MaxAttempts { get; set; }

        private readonly Random random = new Random();

        public ReconnectPolicy()
        {
            Enabled = true;
            InitialDelay = TimeSpan.FromMilliseconds(100);
            MaxDelay = TimeSpan.FromSeconds(5);
            Multiplier = 2;
            Jitter = 0.2;
            MaxAttempts = 0;
        }

        /// <summary>The wait before the next attempt after `failures` consecutive failures (1, 2...); null gives up.</summary>
        public virtual TimeSpan? NextDelay(int failures)
        {
            if (!Enabled || (MaxAttempts > 0 && failures >= MaxAttempts)) return null;
            double ms = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(failures - 1, 30));
            ms = Math.Min(ms, MaxDelay.TotalMilliseconds);
            double factor;
            lock (random)
                factor = 1 + Jitter * (2 * random.NextDouble() - 1);
            return TimeSpan.FromMilliseconds(Math.Max(0, ms * factor));
        }

        /// <summary>Whether to reconnect after an open connection closed with this code.</summary>
        public virtual bool ShouldReconnect(int closeCode)
        {
            // Superseded: the player connected elsewhere; Flood: this client misbehaved.
            return Enabled && closeCode != Protocol.CloseCodes.Superseded && closeCode != Protocol.CloseCodes.Flood;
        }

        /// <summary>Whether a connect refused with this HTTP status (0: no answer) is worth another attempt.</summary>
        public virtual bool ShouldRetry(int httpStatus)
        {
            // 401: the token is bad or expired (log in again); 426: this SDK's protocol version is
            // not served. Neither changes by retrying. 503 (gateway full or stopping) does.
            return Enabled && httpStatus != 400 && httpStatus != 401 && httpStatus != 403 && httpStatus != 426;
        }
    }
}
