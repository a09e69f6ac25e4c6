import * as ipaddr from 'ipaddr.js';

/**
 * An inclusive range of IPv4 addresses, held as 32-bit unsigned integers so that
 * containment and overlap are plain comparisons.
 */
export class Ipv4Range {
  /** Parses `a.b.c.d/n` (network-aligned) or `a.b.c.d-e.f.g.h`; throws a plain message otherwise. */
  public static parse(text: string): Ipv4Range {
    if (text.includes('/')) {
      return Ipv4Range.fromCidr(text);
    }
    const parts = text.split('-').map((p) => p.trim());
    if (parts.length !== 2 || !isIpv4(parts[0]) || !isIpv4(parts[1])) {
      throw new Error('must be a range "A.B.C.D-E.F.G.H" or a CIDR "A.B.C.D/N"');
    }
    const first = ipv4ToNumber(parts[0]);
    const last = ipv4ToNumber(parts[1]);
    if (first > last) {
      throw new Error(`must start at or before its end (${parts[0]} is after ${parts[1]})`);
    }
    return new Ipv4Range(first, last, text);
  }

  /** Parses a network-aligned CIDR such as `10.42.0.0/16`. */
  public static fromCidr(text: string): Ipv4Range {
    const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
    if (!match || !isIpv4(match[1]) || Number(match[2]) > 32) {
      throw new Error('must be a CIDR "A.B.C.D/N" with N from 0 to 32');
    }
    const prefix = Number(match[2]);
    const base = ipv4ToNumber(match[1]);
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) {
      const network = numberToIpv4(base - (base % size));
      throw new Error(`has host bits set; did you mean "${network}/${prefix}"?`);
    }
    return new Ipv4Range(base, base + size - 1, text);
  }

  public static single(address: string): Ipv4Range {
    const n = ipv4ToNumber(address);
    return new Ipv4Range(n, n, address);
  }

  private constructor(
    /** First address, as a number. */
    public readonly first: number,
    /** Last address, as a number. */
    public readonly last: number,
    /** The text it was parsed from, for messages. */
    public readonly text: string,
  ) {}

  /** How many addresses the range holds. */
  public get size(): number {
    return this.last - this.first + 1;
  }

  public contains(address: string): boolean {
    const n = ipv4ToNumber(address);
    return n >= this.first && n <= this.last;
  }

  public containsRange(other: Ipv4Range): boolean {
    return other.first >= this.first && other.last <= this.last;
  }

  public overlaps(other: Ipv4Range): boolean {
    return this.first <= other.last && other.first <= this.last;
  }

  /** Every address of the range in order (ranges here are small: a LAN pool). */
  public addresses(): string[] {
    const out: string[] = [];
    for (let n = this.first; n <= this.last; n++) {
      out.push(numberToIpv4(n));
    }
    return out;
  }

  public toString(): string {
    return this.text;
  }
}

/** True for a dotted-quad IPv4 address such as `192.168.1.10` (no shorthand forms). */
export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function ipv4ToNumber(address: string): number {
  return ipaddr.IPv4.parse(address)
    .toByteArray()
    .reduce((acc, byte) => acc * 256 + byte, 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
