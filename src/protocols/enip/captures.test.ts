/** EtherNet/IP analyzers on the public captures (when ../shared is present): attack captures' operation kinds, identity recall against the tshark truth files. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { LineguardEvent, OpObserved } from '../../events/types.js';
import { analyzePublic, describePublicCaptures, PCAPS } from '../testing/captures.js';
import { anomalies, assets, operations } from '../testing/engine.js';

/** The enip operations, one entry per operation (repeat summaries expanded), in frame order. */
function enipOps(events: LineguardEvent[]): OpObserved[] {
  return operations(events).filter((e) => e.protocol === 'enip');
}

/** "kind code ok" → count. */
function tally(ops: OpObserved[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of ops) {
    const k = `${o.op} ${o.code} ${o.ok}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const PLC = '192.168.10.120';

describePublicCaptures('enip analyzer', () => {
  it('eip_reboot_or_restart.pcap: Stop, Reset, clock set and Start are control; the download between them is program', async () => {
    const events = await analyzePublic('enip/eip_reboot_or_restart.pcap');
    const ops = enipOps(events);
    const control = ops
      .filter((o) => o.op === 'control')
      .map((o) => [o.code, o.target, o.ok, o.evidence.frame]);
    expect(control).toEqual([
      ['0x07', 'class 0x8e instance 1', true, 399],
      ['0x05', 'class 0x72 instance 1', true, 454],
      // The download sets the controller clock's attributes too (a Multiple Service Packet).
      ['0x04', 'class 0x8b instance 1 attrs 4,… (2)', true, 581],
      ['0x06', 'class 0x8e instance 1', true, 804],
    ]);
    const t = tally(ops);
    // tshark counts each service in requests and replies alike: half its counts are operations.
    expect(t).toMatchObject({
      'program 0x08 true': 43,
      'program 0x50 true': 8,
      'program 0x4b true': 10,
      'program 0x4f true': 5,
      'read 0x4c true': 310,
      'other 0x54 true': 5,
      'other 0x4e true': 4,
      'identify 0x01 true': 8,
    });
    expect(ops.every((o) => o.server.ip === PLC && o.client.ip === '192.168.10.105')).toBe(true);
    expect(anomalies(events).filter((e) => e.protocol === 'enip')).toEqual([]);
  });

  it('eip_software_upload.pcap: the upload is program operations, and nothing is control', async () => {
    const ops = enipOps(await analyzePublic('enip/eip_software_upload.pcap'));
    const t = tally(ops);
    expect(t).toMatchObject({ 'program 0x4b true': 25, 'program 0x4f true': 19 });
    expect(ops.filter((o) => o.op === 'control')).toEqual([]);
    expect(ops.find((o) => o.code === '0x4f')?.target).toBe('class 0x6a instance 7162');
  });

  it('eip_change_time_attempt.pcap: the clock Set_Attribute_List is the one control operation', async () => {
    const ops = enipOps(await analyzePublic('enip/eip_change_time_attempt.pcap'));
    expect(
      ops.filter((o) => o.op !== 'read').map((o) => [o.op, o.code, o.target, o.ok, o.evidence.frame]),
    ).toEqual([['control', '0x04', 'class 0x8b instance 1 attrs 6', true, 386]]);
    expect(ops).toHaveLength(1077);
  });

  it('cip_multiple_service_packet.pcapng: each of the 11 embedded services is an operation, unanswered', async () => {
    const ops = enipOps(await analyzePublic('enip/cip_multiple_service_packet.pcapng'));
    expect(ops.map((o) => [o.op, o.code, o.ok])).toEqual(Array(11).fill(['read', '0x03', undefined]));
    expect(ops.map((o) => o.target)).toContain('class 0x8b instance 1 attrs 6');
  });

  it('eip_control_protocol_change.pcap (mixed): control and program operations on a mid-capture session', async () => {
    const events = await analyzePublic('mixed/eip_control_protocol_change.pcap');
    const t = tally(enipOps(events));
    expect(t).toMatchObject({
      'control 0x07 true': 1,
      'control 0x05 true': 1,
      'control 0x06 true': 1,
      'program 0x50 true': 21,
      'write 0x4d true': 10,
    });
    expect(
      assets(events).some((e) => e.at.ip === PLC && e.facts['enip.product_name'] === '1756-L61/B LOGIX5561'),
    ).toBe(true);
  });

  it('ethernetip_cip_large.pcap: Logix tag reads and writes in Multiple Service Packets, no anomalies', async () => {
    const events = await analyzePublic('bench/ethernetip_cip_large.pcap');
    expect(tally(enipOps(events))).toEqual({
      'read 0x4c true': 31069,
      'write 0x4e true': 1444,
      'read 0x01 true': 219,
    });
    const writes = enipOps(events).filter((o) => o.op === 'write');
    expect(new Set(writes.map((o) => o.target))).toContain('LMS_SETPOINTCHANGE_RECEIVED');
    expect(anomalies(events).filter((e) => e.protocol === 'enip')).toEqual([]);
  });

  it('identity recall: every enip.* identity fact of every truth file, same value, same subject', async () => {
    const files: string[] = [];
    for (const dir of readdirSync(PCAPS, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const f of readdirSync(`${PCAPS}${dir.name}`)) {
        if (!f.endsWith('.truth.json')) continue;
        if (readFileSync(`${PCAPS}${dir.name}/${f}`, 'utf8').includes('"enip.'))
          files.push(`${dir.name}/${f}`);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(2);
    let wanted = 0;
    const missing: string[] = [];
    for (const f of files) {
      const truth = JSON.parse(readFileSync(`${PCAPS}${f}`, 'utf8')) as {
        identity: Record<string, Record<string, string[]>>;
      };
      const got = assets(await analyzePublic(f.replace(/\.truth\.json$/, '')));
      for (const [subject, facts] of Object.entries(truth.identity)) {
        for (const [key, values] of Object.entries(facts)) {
          if (!key.startsWith('enip.')) continue;
          for (const value of values) {
            wanted++;
            const seen = got.some(
              (e) => (e.at.ip === subject || e.at.mac === subject) && e.facts[key] === value,
            );
            if (!seen) missing.push(`${f}: ${subject} ${key}=${value}`);
          }
        }
      }
    }
    expect(wanted).toBeGreaterThanOrEqual(12);
    expect(missing).toEqual([]);
  });
});
