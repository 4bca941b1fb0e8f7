// TimeSync: the gateway's clock as seen from here, from ping/pong round trips.
//   double now = client.Time.ServerNowMs;      // Unix milliseconds on the server's clock
//   double rtt = client.Time.RoundTripMs;
// Each pong gives a round trip and the server's time at its middle; the estimate uses the
// sample with the shortest round trip among the last few (NTP's rule: the least-delayed
// sample has the smallest error), so one slow pong does not move the clock.
using System;
using System.Diagnostics;

namespace Arena.Client
{
    public sealed class TimeSync
    {
        private const int Window = 8;

        private static readonly double StartUnixMs = (DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
        private static readonly Stopwatch Clock = Stopwatch.StartNew();

        private readonly object sync = new object();
        private readonly double[] rtts = new double[Window];
        private readonly double[] offsets = new double[Window];
        private int count;
        private int next;
        private double lastRtt = double.NaN;
        private double offset;

        /// <summary>This machine's time in Unix milliseconds, monotonic for the process's life.</summary>
        public static double LocalNowMs()
        {
            return StartUnixMs + Clock.Elapsed.TotalMilliseconds;
        }

        public bool HasSample
        {
            get
            {
                lock (sync)
                    return count > 0;
            }
        }

        /// <summary>The latest round trip (NaN before the first pong).</summary>
        public double RoundTripMs
        {
            get
            {
                lock (sync)
                    return lastRtt;
            }
        }

        /// <summary>Server clock minus local clock, in milliseconds (0 before the first pong).</summary>
        public double OffsetMs
        {
            get
            {
                lock (sync)
                    return offset;
            }
        }

        public double ServerNowMs
        {
            get { return LocalNowMs() + OffsetMs; }
        }

        /// <summary>Adds a pong: the time the ping left, the server's time in the pong, and when the pong arrived.</summary>
        public void AddSample(double sentAtMs, double serverTimeMs, double receivedAtMs)
        {
            double rtt = Math.Max(0, receivedAtMs - sentAtMs);
            lock (sync)
            {
                lastRtt = rtt;
                rtts[next] = rtt;
                offsets[next] = serverTimeMs - (sentAtMs + rtt / 2);
                next = (next + 1) % Window;
                if (count < Window) count++;
                int best = 0;
                for (int i = 1; i < count; i++)
                    if (rtts[i] < rtts[best]) best = i;
                offset = offsets[best];
            }
        }
    }
}
