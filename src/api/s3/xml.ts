// S3's XML in and out (fast-xml-parser). Requests are validated as well-formed first
// (the parser alone tolerates mismatched tags); text is kept exactly (keys may begin or
// end with spaces), and elements that may repeat always parse as arrays.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformedXml } from '../../objects/errors.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false });

/** A document `<root xmlns=…>…</root>`; undefined members are left out, arrays repeat their element. */
export function renderXml(root: string, body: Readonly<Record<string, unknown>>, namespace = true): string {
  const content = namespace ? { '@_xmlns': S3_XMLNS, ...body } : body;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: content })}`;
}

export type XmlNode = Readonly<Record<string, unknown>>;

/** Parses a request document; `arrays` names the elements that may repeat. Throws MalformedXML. */
export function parseXml(text: string, arrays: readonly string[]): XmlNode {
  // S3 takes no DTDs: a DOCTYPE can only declare entities (external files, exponential
  // expansion), so it is refused as S3 refuses it, before the parser sees it.
  if (text.trim() === '' || /<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformedXml();
  const parser = new XMLParser({
    ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: false, htmlEntities: true,
    isArray: (name) => arrays.includes(name),
  });
  try {
    return parser.parse(text) as XmlNode;
  } catch {
    throw malformedXml(); // whatever the validator let through and the parser still refuses is not S3's XML either
  }
}

/** The child element `name` of a parsed node, when it is an element. */
export function child(node: unknown, name: string): XmlNode | undefined {
  const value = typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : value === '' ? {} : undefined;
}

/** The repeated child elements `name` (declared in `arrays` when parsing). */
export function children(node: unknown, name: string): readonly XmlNode[] {
  const value = typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => (typeof v === 'object' && v !== null ? (v as XmlNode) : {}));
}

/** The text of child element `name`; undefined when absent. */
export function text(node: unknown, name: string): string | undefined {
  const value = typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const inner = (value as XmlNode)['#text'];
    return typeof inner === 'string' ? inner : '';
  }
  return undefined;
}

/** The texts of a repeated child element. */
export function texts(node: unknown, name: string): readonly string[] {
  const value = typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => (typeof v === 'string' ? v : ''));
}
