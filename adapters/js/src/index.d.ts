// The package root picks the runtime binding; Node.js returns a Buffer, which is a Uint8Array.
import type { SharedRegion as Region, SharedRegionConstructor } from './types.js';
export * from './types.js';
export type SharedRegion = Region<Uint8Array>;
export declare const SharedRegion: SharedRegionConstructor<Uint8Array>;
