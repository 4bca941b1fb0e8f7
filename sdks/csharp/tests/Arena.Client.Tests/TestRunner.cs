// A small console test runner (no NUnit needed): runs every [Test] method of this assembly.
//   mono Arena.Client.Tests.exe [--vectors path/to/test-vectors.json] [--filter text] [--timeout-s 60]
// Prints one line per test ("ok", "FAIL" with the message and stack) and a summary; exits 1 if
// any test failed, 2 if one hung past the timeout (each test runs on its own thread so that a
// hang is reported instead of stalling the run).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;

namespace Arena.Client.Tests
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message)
            : base(message) { }
    }

    public static class TestContext
    {
        /// <summary>Path of shared/protocol/test-vectors.json.</summary>
        public static string VectorsPath;
    }

    public static class TestRunner
    {
        public static int Main(string[] args)
        {
            string filter = null;
            double timeoutS = 60;
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (args[i] == "--vectors") TestContext.VectorsPath = args[i + 1];
                else if (args[i] == "--filter") filter = args[i + 1];
                else if (args[i] == "--timeout-s") timeoutS = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                else
                {
                    Console.Error.WriteLine("unknown argument " + args[i]);
                    return 64;
                }
            }
            if (TestContext.VectorsPath == null) TestContext.VectorsPath = FindVectors();

            var tests = typeof(TestRunner).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                .Select(m => new { Method = m, Name = m.DeclaringType.Name + "." + m.Name })
                .Where(t => filter == null || t.Name.IndexOf(filter, StringComparison.OrdinalIgnoreCase) >= 0)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .ToList();

            int failed = 0;
            var total = Stopwatch.StartNew();
            foreach (var test in tests)
            {
                Exception error = null;
                var clock = Stopwatch.StartNew();
                var thread = new Thread(() => error = Run(test.Method)) { IsBackground = true, Name = test.Name };
                thread.Start();
                if (!thread.Join(TimeSpan.FromSeconds(timeoutS)))
                {
                    Console.WriteLine("FAIL " + test.Name + ": still running after " + timeoutS + " s (a hang)");
                    Console.WriteLine("tests: " + (tests.Count - failed - 1) + " passed, " + (failed + 1) + " failed (stopped at a hang)");
                    Console.Out.Flush();
                    Environment.Exit(2);
                }
                if (error == null)
                    Console.WriteLine("ok   " + test.Name + " (" + clock.ElapsedMilliseconds + " ms)");
                else
                {
                    failed++;
                    Console.WriteLine("FAIL " + test.Name + ": " + error.Message);
                    if (!(error is AssertionException)) Console.WriteLine(error);
                    else Console.WriteLine(error.StackTrace);
                }
            }
            Console.WriteLine("tests: " + (tests.Count - failed) + " passed, " + failed + " failed in " + total.ElapsedMilliseconds + " ms");
            return failed == 0 && tests.Count > 0 ? 0 : 1;
        }

        private static Exception Run(MethodInfo method)
        {
            try
            {
                object target = method.IsStatic ? null : Activator.CreateInstance(method.DeclaringType);
                method.Invoke(target, null);
                return null;
            }
            catch (TargetInvocationException e)
            {
                return e.InnerException;
            }
            catch (Exception e)
            {
                return e;
            }
        }

        /// <summary>shared/protocol/test-vectors.json above the current directory or this program.</summary>
        private static string FindVectors()
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), Path.GetDirectoryName(typeof(TestRunner).Assembly.Location) })
            {
                for (string dir = start; dir != null; dir = Path.GetDirectoryName(dir))
                {
                    string candidate = Path.Combine(dir, "shared", "protocol", "test-vectors.json");
                    if (File.Exists(candidate)) return candidate;
                }
            }
            return null;
        }
    }

    public static class Assert
    {
        public static void True(bool condition, string message)
        {
            if (!condition) throw new AssertionException(message);
        }

        public static void False(bool condition, string message)
        {
            if (condition) throw new AssertionException(message);
        }

        public static void Equal<T>(T expected, T actual, string what = null)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new AssertionException((what != null ? what + ": " : "") + "expected <" + Show(expected) + "> but was <" + Show(actual) + ">");
        }

        public static void Hex(string expectedHex, byte[] actual, string what = null)
        {
            string got = ToHex(actual);
            if (got != expectedHex) throw new AssertionException((what != null ? what + ": " : "") + "expected bytes " + expectedHex + " but got " + got);
        }

        /// <summary>Runs action and returns the exception of type T it must throw.</summary>
        public static T Throws<T>(Action action, string what = null)
            where T : Exception
        {
            try
            {
                action();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException((what != null ? what + ": " : "") + "expected " + typeof(T).Name + " but got " + e.GetType().Name + ": " + e.Message);
            }
            throw new AssertionException((what != null ? what + ": " : "") + "expected " + typeof(T).Name + " but nothing was thrown");
        }

        public static void Contains(string expectedPart, string actual, string what = null)
        {
            if (actual == null || actual.IndexOf(expectedPart, StringComparison.Ordinal) < 0)
                throw new AssertionException((what != null ? what + ": " : "") + "expected text containing \"" + expectedPart + "\" but was \"" + actual + "\"");
        }

        public static void Fail(string message)
        {
            throw new AssertionException(message);
        }

        public static string ToHex(byte[] bytes)
        {
            return bytes == null ? "null" : BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
        }

        public static byte[] FromHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }

        private static string Show(object v)
        {
            return v == null ? "null" : v is byte[] ? ToHex((byte[])v) : v.ToString();
        }
    }
}
