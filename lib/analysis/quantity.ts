/*
 * Kubernetes resource quantities ("250m", "128Mi", "1.5Gi", "2") as numbers: CPU in
 * millicores, memory in bytes. Only the suffixes Kubernetes accepts are understood.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The quantity's value in base units (cores, bytes). Throws on text Kubernetes would reject. */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') {
    return value;
  }
  const match = QUANTITY.exec(value.trim());
  if (!match) {
    throw new Error(`"${value}" is not a Kubernetes quantity`);
  }
  const suffix = match[2] ?? '';
  return Number(match[1]) * (BINARY[suffix] ?? DECIMAL[suffix]);
}

export function millicores(value: string | number): number {
  return Math.round(parseQuantity(value) * 1000);
}

export const GIB = 2 ** 30;
export const MIB = 2 ** 20;

export function formatMiB(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
