/** Small statistics and formatting helpers. */

/** The q-quantile (0..1) of `values` by nearest rank. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => quantile(values, 0.5);
export const sum = (values) => values.reduce((a, b) => a + b, 0);

/** `a / b` rounded for display, e.g. `0.97×`. */
export const ratio = (a, b) => (b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
export const ms = (v) =>
  v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
export const int = (v) => Math.round(v).toLocaleString('en-US');

export function bytes(v) {
  const abs = Math.abs(v);
  if (abs >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(v / 1024 ** 2).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${Math.round(v)} B`;
}

/** "yes" / "NO" against a target. */
export const verdict = (ok) => (ok ? 'met' : 'NOT met');
