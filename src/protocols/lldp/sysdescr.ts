/**
 * Vendor, model and firmware from a free-text system description (LLDP sysDescr, IEEE
 * 802.1AB §8.5.6, which devices fill like SNMP sysDescr, RFC 3418). No standard format exists:
 * these are cheap, conservative patterns over what common switch, router and OT vendors send
 * (e.g. "Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 1, FW: Version
 * V04.01.00", "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE, ...",
 * "SMCGS8P-Smart - SMCGS8P-Smart v3.20"). A field is left out rather than guessed.
 */

export type Described = { vendor?: string; model?: string; firmware?: string };

/** First match wins: OT brands before the generic IT words they may also contain. */
const VENDORS: readonly [RegExp, string][] = [
  [/\b(siemens|scalance|simatic|ruggedcom)\b/i, 'Siemens'],
  [/\bhirschmann\b/i, 'Hirschmann'],
  [/\bmoxa\b/i, 'Moxa'],
  [/\bphoenix ?contact\b/i, 'Phoenix Contact'],
  [/\b(rockwell|allen-bradley|stratix)\b/i, 'Rockwell Automation'],
  [/\b(schneider|modicon|connexium)\b/i, 'Schneider Electric'],
  [/\bwestermo\b/i, 'Westermo'],
  [/\bbelden\b/i, 'Belden'],
  [/\bbeckhoff\b/i, 'Beckhoff'],
  [/\bwago\b/i, 'WAGO'],
  [/\bweidm(u|ü|ue)ller\b/i, 'Weidmüller'],
  [/\bomron\b/i, 'Omron'],
  [/\bmitsubishi\b/i, 'Mitsubishi Electric'],
  [/\bn-tron\b|\bred lion\b/i, 'Red Lion'],
  [/\bcisco\b/i, 'Cisco'],
  [/\b(juniper|junos)\b/i, 'Juniper Networks'],
  [/\b(aruba|procurve|hewlett[- ]packard)\b/i, 'HPE'],
  [/\barista\b/i, 'Arista'],
  [/\b(extreme networks|extremexos)\b/i, 'Extreme Networks'],
  [/\b(mikrotik|routeros)\b/i, 'MikroTik'],
  [/\b(ubiquiti|edgeswitch|unifi)\b/i, 'Ubiquiti'],
  [/\b(fortinet|fortigate|fortiswitch)\b/i, 'Fortinet'],
  [/\bhuawei\b/i, 'Huawei'],
  [/\bh3c\b/i, 'H3C'],
  [/\bnetgear\b/i, 'Netgear'],
  [/\bd-link\b/i, 'D-Link'],
  [/\btp-link\b/i, 'TP-Link'],
  [/\bzyxel\b/i, 'Zyxel'],
  [/\bdell\b/i, 'Dell'],
  [/\bvmware\b/i, 'VMware'],
  [/^SMC/, 'SMC Networks'],
];

/** Product lines whose model name follows a fixed word. */
const MODELS: readonly RegExp[] = [
  /\b(SCALANCE [A-Z]{1,3}-?\d[\w-]*)/i,
  /\b(RUGGEDCOM [A-Z]+\d[\w-]*)/i,
  /\b(Stratix \d{4}\w*)/i,
  /\b((?:EDS|IKS|ICS|PT)-[A-Z0-9][\w-]*)/,
  /\b((?:RSP|MACH|GRS|BRS)\d{2,}[\w-]*)/,
  /\b(FL SWITCH [\w -]+?)(?:,|$)/i,
];

const FIRMWARE: readonly RegExp[] = [
  /\bFW:\s*(?:Version\s+)?(V?\d[\w.()-]*)/i,
  /\bJUNOS\s+(\d[\w.-]*)/i,
  /\bVersion:?\s+(V?\d[\w.()-]*)/i,
  /\b(?:firmware|software|SW|release)(?:\s+version)?[:\s]\s*v?(\d[\w.()-]*)/i,
  /(?:^|[\s,])v(\d+(?:\.\d+)+[\w()-]*)/i,
];

export function describeSystem(text: string): Described {
  const out: Described = {};
  const vendor = VENDORS.find(([re]) => re.test(text));
  if (vendor) out.vendor = vendor[1];
  for (const re of MODELS) {
    const m = re.exec(text);
    if (m?.[1]) {
      out.model = m[1].trim();
      break;
    }
  }
  for (const re of FIRMWARE) {
    const m = re.exec(text);
    if (m?.[1]) {
      let fw = m[1].replace(/[.,;]+$/, '');
      // "(V1.2)": the closing parenthesis is not part of the version unless it opened one.
      if (fw.endsWith(')') && !fw.includes('(')) fw = fw.slice(0, -1);
      out.firmware = fw;
      break;
    }
  }
  return out;
}
