import { describe, expect, it } from 'vitest';
import { isIndustrial, mainProtocol, protocolColour } from './protocols.js';

describe('protocol colours', () => {
  it('has fixed colours for known protocols, distinct among the industrial ones', () => {
    const ics = [
      'modbus',
      'enip',
      's7comm',
      'dnp3',
      'iec104',
      'bacnet',
      'opcua',
      'profinet_dcp',
      'mms',
      'goose',
    ];
    expect(new Set(ics.map(protocolColour)).size).toBe(ics.length);
    expect(protocolColour('modbus')).toBe('#1f77b4');
  });

  it('gives unknown names a stable colour of their own', () => {
    expect(protocolColour('tcp/3389')).toBe(protocolColour('tcp/3389'));
    expect(protocolColour('tcp/3389')).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('draws an edge in its industrial protocol when it has one', () => {
    expect(isIndustrial('s7comm')).toBe(true);
    expect(isIndustrial('dns')).toBe(false);
    expect(mainProtocol(['arp', 'dns', 'modbus'])).toBe('modbus');
    expect(mainProtocol(['dns', 'tcp/3389'])).toBe('dns');
    expect(mainProtocol([])).toBeUndefined();
  });
});
