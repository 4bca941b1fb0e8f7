// EventDispatcher: where the SDK's events run.
//   var d = new EventDispatcher(DispatchMode.Poll, maxQueued: 65536);
//   d.Post(() => handler(x));      // from any thread
//   d.Poll();                      // Poll mode: the caller's thread (Unity: Update) runs them
//
// Poll mode (the default) queues every event until the game calls Poll(), so handlers run on
// the game's main thread (Unity and Godot forbid engine calls from others). Background mode
// runs each event at once on the network thread that produced it, one at a time and in order.
// The queue is bounded: a game that stops polling does not grow memory without end; Post then
// refuses the event (counted in Dropped) and the connection reacts (it closes and resyncs).
using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Arena.Client
{
    public enum DispatchMode
    {
        /// <summary>Events wait for Poll() (Unity's and Godot's main-thread rule).</summary>
        Poll,

        /// <summary>Events run at once on a background thread, serialised.</summary>
        Background,
    }

    public sealed class EventDispatcher
    {
        private readonly ConcurrentQueue<Action> queue = new ConcurrentQueue<Action>();
        private readonly object backgroundLock = new object();
        private readonly int maxQueued;
        private int queued;
        private long dropped;

        public DispatchMode Mode { get; private set; }

        /// <summary>Raised (where the event would have run) when a handler throws in Background mode.</summary>
        public event Action<Exception> HandlerFailed;

        public EventDispatcher(DispatchMode mode, int maxQueued = 65536)
        {
            if (maxQueued < 1) throw new ArgumentOutOfRangeException("maxQueued");
            Mode = mode;
            this.maxQueued = maxQueued;
        }

        /// <summary>Events waiting for Poll().</summary>
        public int Pending
        {
            get { return Volatile.Read(ref queued); }
        }

        /// <summary>Events refused because the queue was full.</summary>
        public long Dropped
        {
            get { return Interlocked.Read(ref dropped); }
        }

        /// <summary>
        /// Runs the event now (Background) or queues it (Poll). False when the queue is full and
        /// the event was dropped; urgent events (a disconnect notice) pass a full queue.
        /// </summary>
        public bool Post(Action action, bool urgent = false)
        {
            if (action == null) throw new ArgumentNullException("action");
            if (Mode == DispatchMode.Background)
            {
                lock (backgroundLock)
                {
                    try
                    {
                        action();
                    }
                    catch (Exception e)
                    {
                        var failed = HandlerFailed;
                        if (failed != null) failed(e);
                    }
                }
                return true;
            }
            if (Interlocked.Increment(ref queued) > maxQueued && !urgent)
            {
                Interlocked.Decrement(ref queued);
                Interlocked.Increment(ref dropped);
                return false;
            }
            queue.Enqueue(action);
            return true;
        }

        /// <summary>
        /// Runs the events queued so far on the calling thread, in order; returns how many ran.
        /// Events that arrive meanwhile wait for the next call, so a busy connection cannot keep
        /// one Poll() from returning. An exception from a handler propagates to the caller; the
        /// events after it stay queued.
        /// </summary>
        public int Poll(int max = int.MaxValue)
        {
            int limit = Math.Min(max, Volatile.Read(ref queued));
            int ran = 0;
            Action action;
            while (ran < limit && queue.TryDequeue(out action))
            {
                Interlocked.Decrement(ref queued);
                ran++;
                action();
            }
            return ran;
        }
    }
}
