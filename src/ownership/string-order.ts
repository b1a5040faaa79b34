/**
 * Orders strings by their UTF-16 code units, as `COLLATE "C"` orders ASCII: the same on every machine, and many times
 * faster than `localeCompare` where a fit sorts per item.
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
