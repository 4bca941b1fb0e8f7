/** Number formatting shared by the swarm's live line, table and HTML report. */
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en');
export const fmtMs = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
export const fmtRate = (n: number) =>
  n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(n >= 100 ? 0 : 1);
export const fmtBytes = (n: number) =>
  n >= 1 << 20
    ? `${(n / (1 << 20)).toFixed(1)} MiB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${Math.round(n)} B`;
