// The user-facing errors of code unpacking. Texts follow what Lambda answers
// (lambda-reference.md §1.2, §1.8) so scripts that match on them keep working.
import { NimbusError } from '../../errors.js';

const COULD_NOT_UNZIP = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

/** Not a zip, truncated, corrupt data or a CRC mismatch; `reason` is appended for the user. */
export function notAZip(reason?: string): NimbusError {
  const text = reason === undefined ? COULD_NOT_UNZIP : `${COULD_NOT_UNZIP} (${shorten(reason, 200)})`;
  return new NimbusError('InvalidParameterValueException', text);
}

export function zippedTooLarge(limit: number): NimbusError {
  return new NimbusError('InvalidParameterValueException', `Zipped size must be smaller than ${limit} bytes`);
}

export function unzippedTooLarge(limit: number): NimbusError {
  return new NimbusError('InvalidParameterValueException', `Unzipped size must be smaller than ${limit} bytes`);
}

export function tooManyEntries(count: number, limit: number): NimbusError {
  return new NimbusError('InvalidParameterValueException', `Code.ZipFile: the archive has ${count} entries; at most ${limit} are allowed`);
}

/** A single entry is refused; the message names it as written in the archive. */
export function badEntry(name: string, why: string): NimbusError {
  return new NimbusError('InvalidParameterValueException', `Code.ZipFile: entry '${shorten(name, 200)}' ${why}`);
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
