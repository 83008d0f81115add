/**
 * Niagara Fox tables. There is no public specification: the framing and keys follow what
 * Tridium's own stations and Workbench send in the clear on tcp 1911 (documented by the Nmap
 * `fox-info` script and Digital Bond's Redpoint research): a text message
 * "fox a <n> -1 fox hello\n{\n<key>=<type>:<value>\n...\n};;\n", types s (string), i (int),
 * b (blob), o (object). Port 4911 is Fox over TLS.
 */

export const FOX_PORT = 1911;
export const FOX_TLS_PORT = 4911;

/** Bytes buffered per direction while waiting for the end of the first message. */
export const MAX_MESSAGE = 16_384;
/** Keys read from a hello; the rest are skipped. Longest value kept. */
export const MAX_VALUE = 256;

/** Hello keys and the facts they become. */
export const HELLO_FACTS: Readonly<Record<string, string>> = {
  hostName: 'fox.host_name',
  hostAddress: 'fox.host_address',
  'app.name': 'fox.app_name',
  'app.version': 'fox.app_version',
  'vm.name': 'fox.vm_name',
  'vm.version': 'fox.vm_version',
  'os.name': 'fox.os_name',
  'os.version': 'fox.os_version',
  'station.name': 'fox.station_name',
  brandId: 'fox.brand_id',
};

/** Brand ids that are Tridium's own (Vykon is Tridium's house brand). */
export const TRIDIUM_BRANDS: ReadonlySet<string> = new Set(['vykon', 'tridium', 'niagara']);

/** Embedded operating systems of JACE controllers (a station elsewhere is a server). */
export const EMBEDDED_OS: readonly string[] = ['qnx', 'vxworks'];
