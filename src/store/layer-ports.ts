// Lambda layers' port (docs/runtimes.md#layers): immutable, numbered layer versions whose
// zips live in the BlobStore like function code. Kept beside ports.ts so the part stays in
// files of its own; Store references it.
import type { CodeRef, Scope } from './records.js';

export interface LayerVersionKey extends Scope {
  readonly name: string;
  readonly version: number;
}

export interface LayerVersionRecord extends LayerVersionKey {
  readonly description: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly licenseInfo: string | undefined;
  readonly code: CodeRef;
  /** Bytes of the unpacked tree (Lambda's 250 MB limit counts function and layers together). */
  readonly unzippedSize: number;
  /** ISO 8601, as Lambda's CreatedDate. */
  readonly createdDate: string;
}

export type NewLayerVersion = Omit<LayerVersionRecord, 'version'>;

export interface LayerRepository {
  /** Stores the next version of the layer (numbers are never reused, even after deletes). */
  publish(layer: NewLayerVersion): Promise<LayerVersionRecord>;
  get(key: LayerVersionKey): Promise<LayerVersionRecord | undefined>;
  /** Versions of one layer, newest first. */
  listVersions(scope: Scope, name: string): Promise<readonly LayerVersionRecord[]>;
  /** The newest version of every layer of the scope, by name. */
  listLatest(scope: Scope): Promise<readonly LayerVersionRecord[]>;
  /** Hides the version; functions configured with it keep running it. */
  delete(key: LayerVersionKey): Promise<void>;
  /** Every code blob key a layer version references, deleted ones included (for garbage collection). */
  referencedBlobKeys(): Promise<ReadonlySet<string>>;
}
