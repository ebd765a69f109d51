// Object keys in event records are URL-encoded form-style, as S3 writes them (lambda-reference
// §6.2: space → `+`, `@` → `%40`, `/` kept): what `unquote_plus` / `decodeURIComponent(k.replace(/\+/g, ' '))`
// in a handler undo. Unreserved characters (RFC 3986: letters, digits, `-._~`) stay as they are.

export function encodeEventKey(key: string): string {
  return key.split('/').map((segment) => encodeURIComponent(segment)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+')).join('/');
}

/** The key as stored, from an encoded one (MinIO encodes with Go's url.QueryEscape); undefined when malformed. */
export function decodeEventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
