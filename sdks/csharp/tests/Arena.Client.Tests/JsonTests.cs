// The SDK's small JSON reader (gateway HTTP answers) and string quoting.
using System;
using System.Collections.Generic;

namespace Arena.Client.Tests
{
    public sealed class JsonTests
    {
        [Test]
        public void ParsesEveryJsonType()
        {
            var v = (Dictionary<string, object>)Json.Parse(" {\"a\": [1, -2, 2.5, 1e3, true, false, null], \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"o\": {}} ");
            var a = (List<object>)v["a"];
            Assert.Equal((object)1L, a[0]);
            Assert.Equal((object)(-2L), a[1]);
            Assert.Equal((object)2.5, a[2]);
            Assert.Equal((object)1000.0, a[3]);
            Assert.Equal((object)true, a[4]);
            Assert.Equal((object)false, a[5]);
            Assert.True(a[6] == null, "null");
            Assert.Equal("x\"\\/\b\f\n\r\té\ud83d\ude00", v["s"]);
            Assert.Equal(0, ((Dictionary<string, object>)v["o"]).Count);
            Assert.Equal((object)92233720368547758070.0, Json.Parse("92233720368547758070"), "an integer beyond long is a double");
        }

        [Test]
        public void RefusesWhatIsNotStrictJson()
        {
            foreach (string bad in new[] { "", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "01", "1.", "-", "tru", "\"a", "\"\\x\"", "\"\\u12\"", "[1] 2", "{\"a\":1,}", "\"\t\"", "NaN" })
                Assert.Throws<FormatException>(() => Json.Parse(bad), "JSON " + bad);
            Assert.Contains("nested deeper than 3", Assert.Throws<FormatException>(() => Json.Parse("[[[[1]]]]", 3)).Message);
            Json.Parse("[[[1]]]", 3);
        }

        [Test]
        public void QuoteRoundTrips()
        {
            foreach (string s in new[] { "", "plain", "q\"b\\s", "line\nbreak\ttab\u0001", "é\ud83d\ude00" })
                Assert.Equal(s, Json.Parse(Json.Quote(s)), "quote of " + s);
        }
    }
}
