// Numbers as people read them.
export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;
}

export function pct(part: number, whole: number): string {
  if (whole === 0) return '–';
  const p = (100 * part) / whole;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function money(value: number | undefined, currency = 'USD'): string {
  if (value === undefined) return '–';
  // Serverless costs are tiny: show enough digits to see them move.
  const digits = value === 0 ? 2 : value < 0.01 ? 8 : value < 1 ? 4 : 2;
  return `${currency === 'USD' ? '$' : `${currency} `}${value.toFixed(digits)}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

export function ago(time: string | number | undefined): string {
  if (time === undefined) return '–';
  const t = typeof time === 'number' ? time : Date.parse(time);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

export function clock(t: number): string {
  return new Date(t).toLocaleTimeString('en-GB', { hour12: false });
}
