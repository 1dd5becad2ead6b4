// Bun: buffer and views are Uint8Array over the mapping.
import type { SharedRegion as Region, SharedRegionConstructor } from './types.js';
export * from './types.js';
export type SharedRegion = Region<Uint8Array>;
export declare const SharedRegion: SharedRegionConstructor<Uint8Array>;
