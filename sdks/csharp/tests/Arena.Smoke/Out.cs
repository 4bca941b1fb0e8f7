// Out: the smoke clients' output, one JSON object per line on stdout.
//   Out.Print("welcome", "playerId", id, "gatewayId", gw);   // {"event":"welcome","playerId":...}
using System;
using System.Globalization;
using Arena.Client;

namespace Arena.Smoke
{
    public static class Out
    {
        private static readonly object PrintLock = new object();

        /// <summary>One JSON line: {"event": name, key: value, ...}.</summary>
        public static void Print(string name, params object[] pairs)
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("{\"event\":").Append(Json.Quote(name));
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                sb.Append(',').Append(Json.Quote((string)pairs[i])).Append(':');
                object v = pairs[i + 1];
                if (v == null) sb.Append("null");
                else if (v is bool) sb.Append((bool)v ? "true" : "false");
                else if (v is int || v is long) sb.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                else if (v is double) sb.Append(double.IsNaN((double)v) || double.IsInfinity((double)v) ? "null" : ((double)v).ToString("R", CultureInfo.InvariantCulture));
                else sb.Append(Json.Quote(v.ToString()));
            }
            sb.Append('}');
            lock (PrintLock)
            {
                Console.Out.WriteLine(sb.ToString());
                Console.Out.Flush();
            }
        }
    }
}
