// Converts between the query protocol's flat form parameters / XML elements and the JSON
// protocol's shapes, driven by query-shapes.ts, so one set of operation handlers serves both.
import type { Shape } from './query-shapes.js';

type Params = ReadonlyMap<string, string>;

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function hasAny(params: Params, name: string): boolean {
  if (params.has(name)) return true;
  const nested = `${name}.`;
  for (const key of params.keys()) if (key.startsWith(nested)) return true;
  return false;
}

/** Entries `${name}.1`, `${name}.2`, … up to the first missing index. */
function indexed(params: Params, name: string): string[] {
  const out: string[] = [];
  for (let n = 1; hasAny(params, `${name}.${n}`); n++) out.push(`${name}.${n}`);
  return out;
}

function decodeValue(params: Params, name: string, shape: Shape): unknown {
  if (shape === 'string') return params.get(name);
  if (shape === 'int') {
    const text = params.get(name);
    // Left as text when not an integer: validation then names the parameter.
    return text !== undefined && /^-?\d{1,15}$/.test(text) ? Number(text) : text;
  }
  if ('struct' in shape) return decodeStruct(params, name, shape.struct);
  if ('list' in shape) {
    const items = indexed(params, name);
    return items.length === 0 ? undefined : items.map((item) => decodeValue(params, item, shape.member));
  }
  const entries = indexed(params, name);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map((entry) => [params.get(`${entry}.${shape.key}`) ?? '', decodeValue(params, `${entry}.${shape.value}`, shape.of)]));
}

function decodeStruct(params: Params, prefix: string, members: Readonly<Record<string, Shape>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [member, shape] of Object.entries(members)) {
    const wireName = typeof shape === 'object' && !('struct' in shape) ? ('list' in shape ? shape.list : shape.map) : member;
    known.add(wireName);
    const value = decodeValue(params, join(prefix, wireName), shape);
    if (value !== undefined) out[member] = value;
  }
  // Scalars not named in the shape: every other parameter directly under this prefix.
  const head = prefix === '' ? '' : `${prefix}.`;
  for (const [key, value] of params) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    if (rest.includes('.') || known.has(rest) || rest in out) continue;
    out[rest] = value;
  }
  return out;
}

/** A request's parameters (Action and Version removed) as the JSON protocol's input shape. */
export function decodeQuery(params: Params, members: Readonly<Record<string, Shape>>): Record<string, unknown> {
  const rest = new Map([...params].filter(([key]) => key !== 'Action' && key !== 'Version'));
  return decodeStruct(rest, '', members);
}

export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };

function encodeValue(value: unknown, shape: Shape | undefined): XmlNode | XmlNode[] {
  if (shape !== undefined && typeof shape === 'object') {
    if ('struct' in shape) return encodeStruct(value as Record<string, unknown>, shape.struct);
    if ('list' in shape) return (value as unknown[]).map((v) => encodeValue(v, shape.member) as XmlNode);
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => ({ [shape.key]: k, [shape.value]: encodeValue(v, shape.of) as XmlNode }));
  }
  if (typeof value === 'object' && value !== null) return encodeStruct(value as Record<string, unknown>, {});
  return String(value);
}

/** An output in the JSON shape as XML elements, lists and maps flattened under their element names. */
export function encodeStruct(output: Readonly<Record<string, unknown>>, members: Readonly<Record<string, Shape>>): { [name: string]: XmlNode | XmlNode[] } {
  const out: { [name: string]: XmlNode | XmlNode[] } = {};
  for (const [member, value] of Object.entries(output)) {
    if (value === undefined) continue;
    const shape = members[member];
    const name = shape !== undefined && typeof shape === 'object' && !('struct' in shape) ? ('list' in shape ? shape.list : shape.map) : member;
    const encoded = encodeValue(value, shape);
    if (Array.isArray(encoded) && encoded.length === 0) continue;
    out[name] = encoded;
  }
  return out;
}
