// Deno (run with --allow-ffi, and --allow-env=ZINC_LIB to honour ZINC_LIB).
import type { SharedRegion as Region, SharedRegionConstructor } from './types.js';
export * from './types.js';
export type SharedRegion = Region<Uint8Array>;
export declare const SharedRegion: SharedRegionConstructor<Uint8Array>;
