// Entity: one thing in a room as this player sees it, a flat record of numbers, strings and
// booleans (shared/protocol/server-messages.ts, Entity). Immutable: an update replaces the
// entity in the RoomState, so a game may keep the previous one (to interpolate, say).
//   double x = e.Number("x");  string name = e.String("name");  bool alive = e.Bool("alive");
using System.Collections.Generic;
using Arena.Client.Protocol;

namespace Arena.Client.State
{
    public sealed class Entity
    {
        private readonly Dictionary<string, object> fields;

        /// <summary>fields: name -> long, double, string or bool; the entity keeps a copy.</summary>
        public Entity(string id, IDictionary<string, object> fields)
        {
            Id = id;
            this.fields = fields == null ? new Dictionary<string, object>() : new Dictionary<string, object>(fields);
        }

        public string Id { get; private set; }

        public IReadOnlyDictionary<string, object> Fields
        {
            get { return fields; }
        }

        public bool Has(string name)
        {
            return fields.ContainsKey(name);
        }

        /// <summary>The field as a double (any numeric encoding), or fallback when absent or not a number.</summary>
        public double Number(string name, double fallback = 0)
        {
            object v;
            if (!fields.TryGetValue(name, out v)) return fallback;
            double? n = Protocol.Fields.Number(v);
            return n.HasValue ? n.Value : fallback;
        }

        public string String(string name, string fallback = null)
        {
            object v;
            return fields.TryGetValue(name, out v) && v is string ? (string)v : fallback;
        }

        public bool Bool(string name, bool fallback = false)
        {
            object v;
            return fields.TryGetValue(name, out v) && v is bool ? (bool)v : fallback;
        }

        /// <summary>The names of the fields that differ between two versions of an entity (set, changed or gone).</summary>
        public static List<string> ChangedFields(Entity before, Entity after)
        {
            var names = new List<string>();
            foreach (var f in after.fields)
            {
                object old;
                if (!before.fields.TryGetValue(f.Key, out old) || !SameValue(old, f.Value)) names.Add(f.Key);
            }
            foreach (var f in before.fields)
                if (!after.fields.ContainsKey(f.Key)) names.Add(f.Key);
            return names;
        }

        /// <summary>Numbers compare by value whatever their msgpack encoding (3 as an integer equals 3.0).</summary>
        internal static bool SameValue(object a, object b)
        {
            double? x = Protocol.Fields.Number(a), y = Protocol.Fields.Number(b);
            if (x.HasValue || y.HasValue) return x.HasValue && y.HasValue && x.Value == y.Value;
            return Equals(a, b);
        }

        public override string ToString()
        {
            var parts = new List<string>();
            foreach (var f in fields)
                parts.Add(f.Key + "=" + f.Value);
            return Id + " {" + string.Join(", ", parts) + "}";
        }
    }

    /// <summary>An entity that changed: its new and previous versions and the names of the fields that differ.</summary>
    public sealed class EntityChange
    {
        public Entity Entity;
        public Entity Previous;
        public IReadOnlyList<string> ChangedFields;

        public bool Changed(string field)
        {
            foreach (string f in ChangedFields)
                if (f == field) return true;
            return false;
        }
    }
}
