// `nimbus usage`: what invocations cost, per function, day or hour, from the platform's
// metering API (/nimbus/v1/usage); --csv and --json print the API's own exports.
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { adminError, adminFetch, adminRequest, type AdminTarget } from '../admin-request.js';
import { booleanFlag, stringFlag, usageError, type CliCommand } from '../command.js';
import { table } from '../format.js';

interface CostView { requests: number; billedMs: number; gbSeconds: number; requestCost: number; computeCost: number; totalCost: number }
interface UsageView { since: string; until: string; currency: string; rows: (CostView & { key: string })[]; total: CostView & { freeTier?: { requests: number; gbSeconds: number } } }

const GROUPINGS = ['function', 'day', 'hour'];

const money = (n: number): string => `$${n.toFixed(n !== 0 && n < 0.01 ? 6 : 2)}`;
const costCells = (c: CostView): string[] => [String(c.requests), String(c.billedMs), c.gbSeconds.toFixed(3), money(c.requestCost), money(c.computeCost), money(c.totalCost)];

async function fetchCsv(target: AdminTarget, query: URLSearchParams): Promise<string> {
  const res = await adminFetch(target, 'GET', `/usage?${query.toString()}`);
  const text = await res.text();
  if (!res.ok) throw adminError(res, text);
  return text;
}

export const usageCommand: CliCommand = {
  name: 'usage',
  summary: 'Show what invocations cost, per function, day or hour',
  usage: [
    'usage [--by function|day|hour] [--since 24h|ISO] [--until ISO] [--function NAME] [--csv|--json] [options]',
    '',
    'options:',
    '  --by G             group by function (default), day or hour (UTC)',
    '  --since T          start: a duration back from now (30m, 24h, 7d), an ISO time or epoch ms (default 24h)',
    '  --until T          end, same forms (default now)',
    '  --function NAME    only this function',
    '  --csv              print CSV (header and one line per row)',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: { ...API_OPTIONS, by: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, function: { type: 'string' }, csv: { type: 'boolean' } },
  async run({ values, positionals, io }) {
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const by = stringFlag(values, 'by') ?? 'function';
    if (!GROUPINGS.includes(by)) throw usageError(`--by must be one of ${GROUPINGS.join(', ')}, got '${by}'`);
    if (booleanFlag(values, 'csv') && booleanFlag(values, 'json')) throw usageError('--csv and --json exclude each other');
    const query = new URLSearchParams({ by });
    for (const name of ['since', 'until', 'function']) {
      const value = stringFlag(values, name);
      if (value !== undefined) query.set(name, value);
    }
    const api = connect(values, io.env);
    if (booleanFlag(values, 'csv')) {
      io.out((await fetchCsv(api, new URLSearchParams([...query, ['format', 'csv']]))).trimEnd());
      return 0;
    }
    const report = (await adminRequest<UsageView>(api, 'GET', `/usage?${query.toString()}`)) as UsageView;
    if (booleanFlag(values, 'json')) {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    io.out(`usage ${report.since} – ${report.until} (${report.currency})`);
    const rows = [...report.rows.map((r) => [r.key, ...costCells(r)]), ['TOTAL', ...costCells(report.total)]];
    for (const line of table([by.toUpperCase(), 'REQUESTS', 'BILLED-MS', 'GB-S', 'REQUEST-COST', 'COMPUTE-COST', 'TOTAL-COST'], rows)) io.out(line);
    if (report.total.freeTier) io.out(`free tier applied: ${report.total.freeTier.requests} requests, ${report.total.freeTier.gbSeconds.toFixed(3)} GB-s`);
    return 0;
  },
};
