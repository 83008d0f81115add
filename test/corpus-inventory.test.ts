/**
 * The inventory against tshark's reading of the public captures (`*.truth.json`, issue 3):
 * every industrial server endpoint tshark lists is an asset serving that protocol, and every
 * identity fact tshark decodes is on the right asset (the asset holding the truth map's IP or
 * MAC). Recall is printed per protocol; 100% is the bar. Where tshark is wrong, the exception
 * is listed below with the evidence, and counted apart rather than silently skipped.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/capture/analyze.js';
import { buildInventory } from '../src/inventory/assemble.js';
import { Observations } from '../src/inventory/observations.js';
import type { Asset } from '../src/inventory/types.js';
import { SHARED_PCAPS, sharedCaptures, type Truth } from './shared.js';

/** Protocols whose servers the inventory must know (the IT ones have no servers in the truth). */
const SERVER_PROTOCOLS = new Set([
  'modbus',
  'enip',
  's7comm',
  'dnp3',
  'bacnet',
  'iec104',
  'opcua',
  'mms',
  'hart_ip',
  'omron',
  'synphasor',
]);

/**
 * Truth entries that are tshark's mistakes, with the evidence. Key: `file|subject|fact=value`
 * for identity, `file|server|ip:port` for servers.
 */
const NBNS_QUERY =
  'tshark files every NetBIOS name a host queries (opcode 0, response bit clear) under that host: a query names what it looks for, not the asker';
const BACNET_BOTH_ENDS =
  'tshark counts both ends of a 47808↔47808 exchange as servers; this host only sends requests';
const BACNET_FORWARDED =
  'a Forwarded-NPDU relayed by this BBMD: the identity is the originating device’s (BVLC originating address), not the relay’s';
const TSHARK_WRONG: Record<string, string> = {
  'bacnet/bacnet_bbmd.pcap|server|192.168.0.255:47808':
    'a subnet broadcast address (destination only, ff:ff:ff:ff:ff:ff): tshark counts whoever receives on 47808 as a server',
  'bacnet/bacnet_test.pcap|server|10.1.1.167:47808': `${BACNET_BOTH_ENDS} (the scanner)`,
  'bacnet/bacnet_example.pcap|server|172.20.32.200:47808': `${BACNET_BOTH_ENDS} (it only sends ReadProperty requests)`,
  'bacnet/bacnet_example.pcap|server|172.20.32.250:47808': `${BACNET_BOTH_ENDS} (it only sends ReinitializeDevice password guesses)`,
  'bacnet/bacnet_bbmd.pcap|server|192.168.0.134:47808': `${BACNET_BOTH_ENDS} (a foreign device: registers, asks Who-Is, receives forwarded replies)`,
  'bacnet/bacnet_bbmd.pcap|192.168.0.18|bacnet.vendor_id=86':
    'frame 13 is device 884456 on network 4 (SNET 4), routed through 192.168.0.18',
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.device_instance=123': `${BACNET_FORWARDED} (frame 6, from 192.168.0.105)`,
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.device_instance=18': `${BACNET_FORWARDED} (frame 8, from 192.168.0.18)`,
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=18': `${BACNET_FORWARDED} (frame 8, from 192.168.0.18)`,
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=260': `${BACNET_FORWARDED} (frame 6); frames 11–12 are device 86114 on network 26001 behind it`,
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=86': `${BACNET_FORWARDED} (frame 14, forwarded and routed)`,
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.object_name=SYNERGY':
    'frame 30 is an I-Have routed from network 13: another device’s object',
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.vendor_id=7':
    'frame 18 is a ConfirmedPrivateTransfer: the vendor id names the service, not the sender',
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.vendor_id=0':
    'frame 33 is an UnconfirmedPrivateTransfer: the vendor id names the service, not the sender',
  'modbus/modbus_fuzz_72.pcap|server|192.168.66.235:2582':
    'frame 1 is a fuzzed segment from 166.161.16.230:502 with SYN and FIN both set; every later request goes to port 502 and every response comes from it: 2582 is the client',
  'it/dhcp.pcap|128.2.6.152|dhcp.vendor_class=ArubaAP':
    'frames 2 and 6: the server echoes the vendor class in its OFFER/ACK to client 90:b1:1c:99:49:29; it is not the server identifying itself',
  'iec61850/mms_and_goose.pcap|172.16.0.122|nbns.name=SAS<1b>': `${NBNS_QUERY} (frames 137, 172, …: who is the domain master browser of SAS?)`,
  'mixed/eip_control_protocol_change.pcap|192.168.10.21|nbns.name=DBLICENSESERVER<20>': `${NBNS_QUERY} (frame 2698)`,
  'mixed/eip_control_protocol_change.pcap|192.168.10.22|nbns.name=DBLICENSESERVER<20>': `${NBNS_QUERY} (frame 837)`,
  'mixed/eip_control_protocol_change.pcap|192.168.10.24|nbns.name=DBLICENSESERVER<20>': `${NBNS_QUERY} (frame 2813)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.194|nbns.name=P3P.SOGOU.COM<00>': `${NBNS_QUERY} (frames 1–3)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.194|nbns.name=SCONF.F.360.CN<00>': NBNS_QUERY,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.8|nbns.name=*<00><00><00><00><00><00><00><00><00><00><00><00><00><00><00>': `the wildcard name of a node-status query (frame 20), ${NBNS_QUERY}`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=*<00><00><00><00><00><00><00><00><00><00><00><00><00><00><00>':
    'the wildcard name of a node-status response (frame 29) is no name',
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=CX_0D7560<00>': `${NBNS_QUERY} (frame 8; 192.168.1.8 answers for it in frame 9)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=INFOC2.DUBA.NET<00>': `${NBNS_QUERY} (frames 36–38)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=RQ.WH.CMCM.COM<00>': NBNS_QUERY,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=WWW.BAIDU.COM<00>': `${NBNS_QUERY} (frames 25–27)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=WWW.HAO123.COM<00>': `${NBNS_QUERY} (frames 32–35)`,
  'other/beckhoff_ads_addroute.pcapng|192.168.1.99|nbns.name=WWW.XUNLEI.COM<00>': `${NBNS_QUERY} (frames 92–94)`,
};

/**
 * Subjects tshark keys by the wrong address, and the device the fact belongs to: the fact is
 * still checked, on that device.
 */
const SUBJECT_FIX: Record<string, string> = {
  // Frames 1, 3, 5, 9: a DHCP client has no address yet; the hostname is that of chaddr.
  'it/dhcp.pcap|0.0.0.0': '90:b1:1c:99:49:29',
};

/** tshark's display formats, brought to our fact values before comparing. */
const NORMALISE: Record<string, (v: string) => string> = {
  // "CX_0D7560<00> (Workstation/Redirector)": the name; suffix and service are display.
  'nbns.name': (v) => v.replace(/<[0-9a-f]{2}>.*$/i, ''),
};

/** Equal, or one line of our multi-line value (tshark shows each line of CDP software as a field). */
function sameValue(ours: string, truth: string): boolean {
  return (
    ours === truth || (ours.includes('\n') && ours.split(/\r?\n/).some((l) => l.trim() === truth.trim()))
  );
}

type Tally = { found: number; total: number; wrong: number };
const recall = new Map<string, Tally>();
function tally(protocol: string, ok: boolean, wrong = false): void {
  const t = recall.get(protocol) ?? { found: 0, total: 0, wrong: 0 };
  if (wrong) t.wrong++;
  else {
    t.total++;
    if (ok) t.found++;
  }
  recall.set(protocol, t);
}

const captures = sharedCaptures();

function assetOf(assets: Asset[], subject: string): Asset | undefined {
  const isMac = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(subject);
  return assets.find((a) => (isMac ? a.macs.includes(subject) : a.ips.includes(subject)));
}

describe.skipIf(captures === null)('inventory recall against tshark (shared captures)', () => {
  afterAll(() => {
    const rows = [...recall.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const lines = rows.map(
      ([p, t]) =>
        `  ${p.padEnd(28)} ${String(t.found).padStart(4)}/${String(t.total).padEnd(4)} ${((100 * t.found) / Math.max(1, t.total)).toFixed(1).padStart(6)}%${t.wrong ? `  (+${t.wrong} tshark errors excluded)` : ''}`,
    );
    console.log(`Inventory recall vs tshark, per protocol:\n${lines.join('\n')}`);
  });

  for (const { capture, truth } of captures ?? []) {
    const name = relative(SHARED_PCAPS, capture);
    it(name, async () => {
      const t = JSON.parse(readFileSync(truth, 'utf8')) as Truth;
      const obs = new Observations();
      const summary = await analyze([capture], { onEvent: (e) => obs.emit(e) });
      expect(summary.analyzerErrors).toBe(0);
      const { assets } = await buildInventory(obs);
      const missing: string[] = [];
      for (const [protocol, info] of Object.entries(t.protocols)) {
        if (!SERVER_PROTOCOLS.has(protocol)) continue;
        for (const server of (info as { servers?: string[] }).servers ?? []) {
          const key = `${name}|server|${server}`;
          if (TSHARK_WRONG[key]) {
            tally(`${protocol} (servers)`, false, true);
            continue;
          }
          const ip = server.slice(0, server.lastIndexOf(':'));
          const port = Number(server.slice(server.lastIndexOf(':') + 1));
          const a = assetOf(assets, ip);
          const ok =
            a?.protocols.some((p) => p.name === protocol && p.server && p.ports.includes(port)) ?? false;
          tally(`${protocol} (servers)`, ok);
          if (!ok) missing.push(`server ${server} (${protocol})`);
        }
      }
      for (const [subject, facts] of Object.entries(t.identity)) {
        for (const [key, values] of Object.entries(facts)) {
          const protocol = key.split('.')[0]!;
          for (const value of values) {
            const id = `${name}|${subject}|${key}=${value}`;
            if (TSHARK_WRONG[id]) {
              tally(`${protocol} (identity)`, false, true);
              continue;
            }
            const who = SUBJECT_FIX[`${name}|${subject}`] ?? subject;
            const a = who ? assetOf(assets, who) : assets.find((x) => x.facts.some((f) => f.key === key));
            const want = NORMALISE[key]?.(value) ?? value;
            const ok = a?.facts.some((f) => f.key === key && sameValue(f.value, want)) ?? false;
            tally(`${protocol} (identity)`, ok);
            if (!ok) missing.push(`${subject} ${key}=${value}${a ? '' : ' (no such asset)'}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
