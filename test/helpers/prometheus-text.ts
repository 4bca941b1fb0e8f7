/** Reading the Prometheus text exposition format in tests. */

/** Every sample as `name{labels}` -> value (labels as written by the exporter). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The value of an unlabelled sample (or the labelled one written exactly as `key`). */
export function value(text: string, key: string): number {
  const v = samples(text).get(key);
  if (v === undefined) throw new Error(`no sample ${key} in the scrape`);
  return v;
}

/**
 * Every series name the exporter declares, with the suffixes its type implies: a histogram
 * `x` is queried as x_bucket, x_sum and x_count; a summary as x, x_sum and x_count. Read
 * from the # TYPE lines, so a labelled metric that has seen no values yet still counts.
 */
export function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}
