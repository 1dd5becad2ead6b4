// Node.js: `buffer` is a Buffer over the mapping.
/// <reference types="node" />
import type { SharedRegion as Region, SharedRegionConstructor } from './types.js';
export * from './types.js';
export type SharedRegion = Region<Buffer>;
export declare const SharedRegion: SharedRegionConstructor<Buffer>;
