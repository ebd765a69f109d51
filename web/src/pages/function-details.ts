// The static side of a function: configuration, versions and aliases, and what triggers it.
import { getFunction, listAliases, listMappings, listRoutes, listSchedules, listUrls, listVersions, type FunctionConfig } from '../api.js';
import { badge, card, h, table } from '../dom.js';
import { bytes } from '../format.js';

function dl(pairs: readonly [string, string | HTMLElement | undefined][]): HTMLElement {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function configurationCard(c: FunctionConfig, reserved: number | undefined): HTMLElement {
  const env = Object.keys(c.Environment?.Variables ?? {});
  return card('Configuration', dl([
    ['Runtime', c.Runtime ?? c.PackageType], ['Handler', c.Handler], ['Memory', `${c.MemorySize} MB`], ['Timeout', `${c.Timeout} s`],
    ['Architecture', (c.Architectures ?? ['x86_64']).join(', ')], ['Ephemeral storage', c.EphemeralStorage ? `${c.EphemeralStorage.Size} MB` : undefined],
    ['Reserved concurrency', reserved === undefined ? 'unreserved' : String(reserved)],
    ['Code size', bytes(c.CodeSize)], ['Code SHA-256', h('code', { class: 'hash', id: 'code-sha' }, c.CodeSha256)],
    ['Last modified', new Date(c.LastModified).toLocaleString()],
    ['Environment', env.length === 0 ? 'none' : env.join(', ')], ['ARN', h('code', {}, c.FunctionArn)],
  ]));
}

async function versionsCard(name: string): Promise<HTMLElement> {
  const [versions, aliases] = await Promise.all([listVersions(name), listAliases(name)]);
  const aliasesOf = (v: string): HTMLElement[] => aliases.filter((a) => a.FunctionVersion === v).map((a) => badge(a.Name, 'info'));
  return card('Versions & aliases', table(['Version', 'Aliases', 'Code SHA-256', 'Modified'], versions.map((v) => h('tr', {},
    h('td', {}, v.Version), h('td', {}, aliasesOf(v.Version)), h('td', {}, h('code', { class: 'hash short', title: v.CodeSha256 }, v.CodeSha256.slice(0, 10) + '…')),
    h('td', { class: 'muted' }, new Date(v.LastModified).toLocaleString()))), 'No versions.'),
  aliases.some((a) => a.RoutingConfig?.AdditionalVersionWeights)
    ? h('p', { class: 'muted' }, aliases.filter((a) => a.RoutingConfig?.AdditionalVersionWeights).map((a) =>
      `${a.Name}: ${Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {}).map(([v, w]) => `${Math.round(w * 100)} % to version ${v}`).join(', ')}`).join('; '))
    : null);
}

/** Each source on its own: one the platform does not serve leaves the others showing. */
async function settle<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch {
    return undefined;
  }
}

async function triggersCard(name: string): Promise<HTMLElement> {
  const [urls, routes, schedules, mappings] = await Promise.all([settle(listUrls(name)), settle(listRoutes()), settle(listSchedules(name)), settle(listMappings(name))]);
  const rows: HTMLTableRowElement[] = [
    ...(urls ?? []).map((u) => h('tr', {}, h('td', {}, badge('Function URL', 'info')), h('td', {}, h('a', { href: u.FunctionUrl, target: '_blank', rel: 'noopener' }, u.FunctionUrl)), h('td', { class: 'muted' }, `${u.AuthType}${u.InvokeMode === 'RESPONSE_STREAM' ? ', streaming' : ''}`))),
    ...(routes ?? []).filter((r) => r.function === name).map((r) => h('tr', {}, h('td', {}, badge('HTTP route', 'info')), h('td', {}, h('code', {}, r.routeKey)), h('td', { class: 'muted' }, r.qualifier ?? ''))),
    ...(schedules ?? []).map((s) => h('tr', {}, h('td', {}, badge('Schedule', 'info')), h('td', {}, h('code', {}, s.expression), s.timezone ? ` (${s.timezone})` : ''), h('td', { class: 'muted' }, `${s.name} · ${s.state}${s.nextFireAt ? ` · next ${new Date(s.nextFireAt).toLocaleString()}` : ''}`))),
    ...(mappings ?? []).map((m) => h('tr', {}, h('td', {}, badge('SQS', 'info')), h('td', {}, h('code', {}, m.EventSourceArn)), h('td', { class: 'muted' }, `${m.State} · batch ${m.BatchSize}`))),
  ];
  return card('Triggers', table(['Kind', 'Source', 'Details'], rows, 'No triggers: invoked only through the API. S3 bucket notifications are configured on the bucket (`aws s3api put-bucket-notification-configuration`).'));
}

export async function detailCards(name: string): Promise<{ config: FunctionConfig; cards: HTMLElement[] }> {
  const fn = await getFunction(name);
  const cards = await Promise.all([versionsCard(name), triggersCard(name)].map(settle));
  return { config: fn.Configuration, cards: [configurationCard(fn.Configuration, fn.Concurrency?.ReservedConcurrentExecutions), ...cards.filter((c): c is HTMLElement => c !== undefined)] };
}
