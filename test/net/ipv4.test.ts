import { Ipv4Range, isIpv4, numberToIpv4 } from '../../lib/net/ipv4';

describe('Ipv4Range', () => {
  test('parses a CIDR into its first and last address', () => {
    const r = Ipv4Range.parse('192.168.10.0/30');
    expect([numberToIpv4(r.first), numberToIpv4(r.last), r.size]).toEqual(['192.168.10.0', '192.168.10.3', 4]);
  });

  test('parses a dash range and lists its addresses', () => {
    expect(Ipv4Range.parse('10.0.0.254-10.0.1.1').addresses()).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  test('overlap and containment are inclusive at both ends', () => {
    const a = Ipv4Range.parse('10.0.0.10-10.0.0.20');
    expect(a.overlaps(Ipv4Range.parse('10.0.0.20-10.0.0.30'))).toBe(true);
    expect(a.overlaps(Ipv4Range.parse('10.0.0.21-10.0.0.30'))).toBe(false);
    expect(Ipv4Range.parse('10.0.0.0/8').containsRange(a)).toBe(true);
    expect(a.contains('10.0.0.20')).toBe(true);
    expect(a.contains('10.0.0.21')).toBe(false);
  });

  test('fails when a CIDR has host bits set, suggesting the network', () => {
    expect(() => Ipv4Range.fromCidr('10.42.1.0/16')).toThrow('has host bits set; did you mean "10.42.0.0/16"?');
  });

  test('fails when a range runs backwards', () => {
    expect(() => Ipv4Range.parse('10.0.0.9-10.0.0.1')).toThrow('must start at or before its end (10.0.0.9 is after 10.0.0.1)');
  });

  test('isIpv4 rejects shorthand and out-of-range octets', () => {
    expect([isIpv4('192.168.1.1'), isIpv4('192.168.1'), isIpv4('1.2.3.256'), isIpv4('0x7f.0.0.1')]).toEqual([true, false, false, false]);
  });
});
