// Json: the small JSON reader and string quoting the SDK needs for Arena's HTTP answers
// (guest login, errors) without any package.
//   object v = Json.Parse("{\"a\":[1,2.5,true,null]}");  // Dictionary<string, object>, List<object>,
//                                                       // string, long (integers), double, bool, null
//   string body = "{\"name\":" + Json.Quote(name) + "}";
// Parse refuses input nested deeper than maxDepth and anything that is not strict JSON, with
// a FormatException that gives the character offset.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Arena.Client
{
    public static class Json
    {
        public static object Parse(string text, int maxDepth = 64)
        {
            if (text == null) throw new ArgumentNullException("text");
            var parser = new Parser(text, maxDepth);
            parser.SkipSpace();
            object value = parser.ParseValue(1);
            parser.SkipSpace();
            if (!parser.AtEnd) throw parser.Fail("unexpected characters after the value");
            return value;
        }

        /// <summary>A JSON string literal (with quotes) for any .NET string.</summary>
        public static string Quote(string s)
        {
            var sb = new StringBuilder(s.Length + 2);
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"':
                        sb.Append("\\\"");
                        break;
                    case '\\':
                        sb.Append("\\\\");
                        break;
                    case '\n':
                        sb.Append("\\n");
                        break;
                    case '\r':
                        sb.Append("\\r");
                        break;
                    case '\t':
                        sb.Append("\\t");
                        break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }

        private sealed class Parser
        {
            private readonly string s;
            private readonly int maxDepth;
            private int i;

            public Parser(string s, int maxDepth)
            {
                this.s = s;
                this.maxDepth = maxDepth;
            }

            public bool AtEnd
            {
                get { return i >= s.Length; }
            }

            public FormatException Fail(string message)
            {
                return new FormatException("JSON: " + message + " at character " + i);
            }

            public void SkipSpace()
            {
                while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
                    i++;
            }

            public object ParseValue(int depth)
            {
                if (AtEnd) throw Fail("unexpected end");
                char c = s[i];
                if (c == '{') return ParseObject(depth);
                if (c == '[') return ParseArray(depth);
                if (c == '"') return ParseString();
                if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
                if (Literal("true")) return true;
                if (Literal("false")) return false;
                if (Literal("null")) return null;
                throw Fail("unexpected character '" + c + "'");
            }

            private bool Literal(string word)
            {
                if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) return false;
                i += word.Length;
                return true;
            }

            private Dictionary<string, object> ParseObject(int depth)
            {
                if (depth > maxDepth) throw Fail("nested deeper than " + maxDepth + " levels");
                var map = new Dictionary<string, object>();
                i++;
                SkipSpace();
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    return map;
                }
                while (true)
                {
                    SkipSpace();
                    if (AtEnd || s[i] != '"') throw Fail("expected a string key");
                    string key = ParseString();
                    SkipSpace();
                    Expect(':');
                    SkipSpace();
                    map[key] = ParseValue(depth + 1);
                    SkipSpace();
                    if (AtEnd) throw Fail("unexpected end in an object");
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect('}');
                    return map;
                }
            }

            private List<object> ParseArray(int depth)
            {
                if (depth > maxDepth) throw Fail("nested deeper than " + maxDepth + " levels");
                var list = new List<object>();
                i++;
                SkipSpace();
                if (i < s.Length && s[i] == ']')
                {
                    i++;
                    return list;
                }
                while (true)
                {
                    SkipSpace();
                    list.Add(ParseValue(depth + 1));
                    SkipSpace();
                    if (AtEnd) throw Fail("unexpected end in an array");
                    if (s[i] == ',')
                    {
                        i++;
                        continue;
                    }
                    Expect(']');
                    return list;
                }
            }

            private void Expect(char c)
            {
                if (AtEnd || s[i] != c) throw Fail("expected '" + c + "'");
                i++;
            }

            private string ParseString()
            {
                i++; // opening quote
                var sb = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Fail("unterminated string");
                    char c = s[i++];
                    if (c == '"') return sb.ToString();
                    if (c < 0x20) throw Fail("control character in a string");
                    if (c != '\\')
                    {
                        sb.Append(c);
                        continue;
                    }
                    if (AtEnd) throw Fail("unterminated escape");
                    char e = s[i++];
                    switch (e)
                    {
                        case '"':
                        case '\\':
                        case '/':
                            sb.Append(e);
                            break;
                        case 'b':
                            sb.Append('\b');
                            break;
                        case 'f':
                            sb.Append('\f');
                            break;
                        case 'n':
                            sb.Append('\n');
                            break;
                        case 'r':
                            sb.Append('\r');
                            break;
                        case 't':
                            sb.Append('\t');
                            break;
                        case 'u':
                        {
                            if (i + 4 > s.Length) throw Fail("short \\u escape");
                            int code;
                            if (!int.TryParse(s.Substring(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                                throw Fail("bad \\u escape");
                            sb.Append((char)code);
                            i += 4;
                            break;
                        }
                        default:
                            throw Fail("bad escape '\\" + e + "'");
                    }
                }
            }

            private object ParseNumber()
            {
                int from = i;
                if (s[i] == '-') i++;
                if (AtEnd || s[i] < '0' || s[i] > '9') throw Fail("bad number");
                if (s[i] == '0') i++;
                else
                    while (i < s.Length && s[i] >= '0' && s[i] <= '9')
                        i++;
                bool integral = true;
                if (i < s.Length && s[i] == '.')
                {
                    integral = false;
                    i++;
                    int digits = i;
                    while (i < s.Length && s[i] >= '0' && s[i] <= '9')
                        i++;
                    if (i == digits) throw Fail("bad number");
                }
                if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
                {
                    integral = false;
                    i++;
                    if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
                    int digits = i;
                    while (i < s.Length && s[i] >= '0' && s[i] <= '9')
                        i++;
                    if (i == digits) throw Fail("bad number");
                }
                string text = s.Substring(from, i - from);
                long whole;
                if (integral && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
                    return whole;
                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }
}
