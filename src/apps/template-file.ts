// Reads a CloudFormation/SAM template or a serverless.yml: YAML (with CloudFormation's
// short-form tags, turned into their long JSON form) or JSON. Intrinsics are resolved later.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { AppError } from './app-error.js';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'If', 'Equals', 'Not', 'And', 'Or'];

/** `!GetAtt A.B` is the string form of `{ "Fn::GetAtt": ["A", "B"] }`. */
function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** Each tag in its three YAML shapes: scalar, sequence and mapping. */
function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  return ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => {
    const tag = `!${name}`;
    return [
      { tag, resolve: (value: string) => longForm(name, value) },
      { tag, collection: 'seq', resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()) } as unknown as CollectionTag,
      { tag, collection: 'map', resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()) } as unknown as CollectionTag,
    ];
  });
}

export function parseTemplateText(text: string, fileName: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = fileName.endsWith('.json') ? JSON.parse(text) : parse(text, { customTags: cloudFormationTags(), prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new AppError([`${fileName} is not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0] ?? ''}`]);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AppError([`${fileName} must hold a mapping at the top level`]);
  return doc as Record<string, unknown>;
}

export const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json', 'serverless.yml', 'serverless.yaml'] as const;

export interface TemplateFile {
  readonly file: string;
  readonly kind: 'sam' | 'serverless';
  readonly doc: Record<string, unknown>;
}

/** `file` may be a template or a directory holding one of TEMPLATE_NAMES. */
export async function loadTemplate(fileOrDir: string): Promise<TemplateFile> {
  let file = fileOrDir;
  let text: string | undefined;
  for (const candidate of [fileOrDir, ...TEMPLATE_NAMES.map((n) => path.join(fileOrDir, n))]) {
    text = await readFile(candidate, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      file = candidate;
      break;
    }
  }
  if (text === undefined) throw new AppError([`no template at ${fileOrDir} (looked for ${TEMPLATE_NAMES.join(', ')})`]);
  const doc = parseTemplateText(text, file);
  const kind = path.basename(file).startsWith('serverless.') || 'provider' in doc ? 'serverless' : 'sam';
  return { file, kind, doc };
}
