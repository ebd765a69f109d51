// `nimbus s3-events`: which functions the events of external S3-compatible stores (MinIO)
// invoke, per source and bucket (docs/s3-notifications.md#external-stores), over the admin API.
//   nimbus s3-events [list [SOURCE]]
//   nimbus s3-events put SOURCE BUCKET FILE     FILE: S3's notification configuration JSON
//   nimbus s3-events get SOURCE BUCKET
//   nimbus s3-events remove SOURCE BUCKET
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { adminRequest, type AdminTarget } from '../admin-request.js';
import { API_OPTIONS, API_OPTIONS_HELP, connect } from '../client.js';
import { CliError, booleanFlag, usageError, type CliCommand, type CliIo } from '../command.js';
import { table } from '../format.js';

interface ConfigurationView {
  Id: string; LambdaFunctionArn: string; Events: string[];
  Filter?: { Key: { FilterRules: { Name: string; Value: string }[] } };
}
interface TriggersView {
  Source: string; Bucket: string; NotificationConfiguration: { LambdaFunctionConfigurations: ConfigurationView[] };
  Warnings?: string[];
}

const admin = <T>(target: AdminTarget, method: string, urlPath: string, body?: string): Promise<T | undefined> =>
  adminRequest<T>(target, method, `/s3-events${urlPath}`, body);

function show(io: CliIo, views: readonly TriggersView[]): void {
  const rows = views.flatMap((v) => v.NotificationConfiguration.LambdaFunctionConfigurations.map((c) => [
    v.Source, v.Bucket, c.Id, c.LambdaFunctionArn, c.Events.join(' '),
    (c.Filter?.Key.FilterRules ?? []).map((r) => `${r.Name.toLowerCase()}=${r.Value}`).join(' ') || '-',
  ]));
  if (rows.length === 0) io.out('no external bucket triggers');
  else for (const line of table(['SOURCE', 'BUCKET', 'ID', 'FUNCTION', 'EVENTS', 'FILTER'], rows)) io.out(line);
}

const bucketPath = (source: string, bucket: string): string => `/${encodeURIComponent(source)}/buckets/${encodeURIComponent(bucket)}`;

export const s3EventsCommand: CliCommand = {
  name: 's3-events',
  summary: 'Show or change which functions the events of external S3 stores (MinIO) invoke',
  usage: [
    's3-events [list [SOURCE] | put SOURCE BUCKET FILE | get SOURCE BUCKET | remove SOURCE BUCKET] [options]',
    '',
    '  s3-events [list [SOURCE]]           list the configured buckets of external stores',
    '  s3-events put SOURCE BUCKET FILE    set the bucket\'s triggers: FILE is the JSON that',
    '                                      aws s3api put-bucket-notification-configuration takes',
    '  s3-events get SOURCE BUCKET         show one bucket\'s triggers',
    '  s3-events remove SOURCE BUCKET      remove them',
    '',
    'SOURCE names the store: it posts its events to <endpoint>/nimbus/v1/s3-events/SOURCE',
    'with the token of --s3-events-token (docs/s3-notifications.md).',
    '',
    'options:',
    API_OPTIONS_HELP,
  ].join('\n'),
  options: { ...API_OPTIONS },
  async run({ values, positionals, io }) {
    const [action = 'list', ...args] = positionals;
    const api = connect(values, io.env);
    const json = booleanFlag(values, 'json');
    const expect = (count: number, what: string): void => {
      if (args.length !== count) throw usageError(`s3-events ${action} takes ${what}, got ${args.length} argument(s)`);
    };
    const print = (views: readonly TriggersView[]): void => {
      if (json) io.out(JSON.stringify(views.length === 1 ? views[0] : views, null, 2));
      else show(io, views);
    };
    switch (action) {
      case 'list': {
        if (args.length > 1) throw usageError('s3-events list takes at most a source name');
        const query = args[0] === undefined ? '' : `?source=${encodeURIComponent(args[0])}`;
        const listed = await admin<{ Triggers: TriggersView[] }>(api, 'GET', query);
        if (json) io.out(JSON.stringify(listed?.Triggers ?? [], null, 2));
        else show(io, listed?.Triggers ?? []);
        return 0;
      }
      case 'get': {
        expect(2, 'a source and a bucket');
        const view = await admin<TriggersView>(api, 'GET', bucketPath(args[0] ?? '', args[1] ?? ''));
        if (view) print([view]);
        return 0;
      }
      case 'put': {
        expect(3, 'a source, a bucket and a JSON file');
        const file = path.resolve(io.cwd, args[2] ?? '');
        const document = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new CliError(`cannot read ${args[2] ?? ''}: ${err.code ?? err.message}`, 1);
        });
        const view = await admin<TriggersView>(api, 'PUT', bucketPath(args[0] ?? '', args[1] ?? ''), document);
        for (const warning of view?.Warnings ?? []) io.err(`warning: ${warning}`);
        if (view) print([view]);
        return 0;
      }
      case 'remove':
        expect(2, 'a source and a bucket');
        await admin(api, 'DELETE', bucketPath(args[0] ?? '', args[1] ?? ''));
        if (!json) io.out(`removed the triggers of ${args[1] ?? ''} (source ${args[0] ?? ''})`);
        return 0;
      default:
        throw usageError(`unknown s3-events action '${action}': use list, put, get or remove`);
    }
  },
};
