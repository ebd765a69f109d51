// Column values as DynamoDB AttributeValues, so a function written for DynamoDB Streams
// reads a PostgreSQL row the same way. Values arrive as PostgreSQL's text output (the
// reader keeps pgoutput's text untouched), converted by column type: numbers stay exact
// decimal strings in {N}, json becomes {M}/{L}, bytea becomes base64 {B}, and anything
// else is the text PostgreSQL prints ({S}: timestamps, uuids, arrays, …).
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly B: string }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly L: readonly AttributeValue[] };

/** pg_type OIDs of the built-in types with a DynamoDB counterpart. */
const BOOL = 16;
const BYTEA = 17;
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]); // int8 int2 int4 oid float4 float8 numeric
const JSON_TYPES = new Set([114, 3802]); // json jsonb
const FINITE_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A parsed JSON value as an AttributeValue ({M} objects, {L} arrays). */
export function jsonAttribute(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(jsonAttribute) };
  const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, jsonAttribute(inner)] as const);
  return { M: Object.fromEntries(entries) };
}

/** `\x0a0b…` (bytea_output = hex, the default since PostgreSQL 9.0) or the old escape format. */
function byteaBase64(text: string): string {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex').toString('base64');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else if (text[i] === '\\') {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('base64');
}

/** One column's text value (null: SQL NULL) of the type with OID `typeOid`. */
export function columnAttribute(text: string | null, typeOid: number): AttributeValue {
  if (text === null) return { NULL: true };
  if (typeOid === BOOL) return { BOOL: text === 't' };
  if (typeOid === BYTEA) return { B: byteaBase64(text) };
  // NaN and ±Infinity have no DynamoDB number: they stay strings.
  if (NUMERIC_TYPES.has(typeOid)) return FINITE_NUMBER.test(text) ? { N: text } : { S: text };
  if (JSON_TYPES.has(typeOid)) return jsonAttribute(JSON.parse(text));
  return { S: text };
}
