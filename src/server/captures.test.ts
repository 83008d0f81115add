/**
 * Capture uploads end to end through Fastify into a real store: the sample plant adds its
 * assets; garbage, a cut-off capture and one over the size limit fail and leave nothing.
 */
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import { PLANT, plantCapture } from '../sim/plant.js';
import { postgresUnavailable } from '../store/testing/databases.js';
import type { Stats } from '../store/types.js';
import type { CaptureJobView } from './captures.js';
import { type Client, multipart, type TestHub, testHub } from './testing/hub.js';

const sample = plantCapture();
const { summary } = await analyzeBytes(sample);

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const pgSkip = (await postgresUnavailable()) !== null;
async function engineerOn(opts: Parameters<typeof testHub>[0] = {}): Promise<{ h: TestHub; eng: Client }> {
  hub = await testHub(opts);
  return { h: hub, eng: await hub.signedIn('engineer') };
}

function upload(c: Client, name: string, bytes: Buffer, field = 'capture') {
  const { payload, headers } = multipart(field, name, bytes);
  return c.inject({ method: 'POST', url: '/api/captures', payload, headers });
}

async function settle(c: Client, id: string): Promise<CaptureJobView> {
  for (;;) {
    const job = (await c.inject({ url: `/api/captures/${id}` })).json() as CaptureJobView;
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the store holds, as the API shows it. */
async function snapshot(c: Client): Promise<{ stats: Stats; graph: unknown }> {
  return {
    stats: (await c.inject({ url: '/api/stats' })).json() as Stats,
    graph: (await c.inject({ url: '/api/graph' })).json(),
  };
}

for (const d of ['sqlite', 'postgres'] as const) {
  describe.skipIf(d === 'postgres' && pgSkip)(`capture upload on ${d}`, () => {
    const engineer = (opts: Parameters<typeof testHub>[0] = {}) => engineerOn({ dialect: d, ...opts });

    it('analyses the sample plant while it arrives and adds its assets', async () => {
      const { eng } = await engineer();
      const res = await upload(eng, 'plant.pcap', sample);
      expect(res.statusCode).toBe(202);
      const { id } = res.json() as { id: string };
      const job = await settle(eng, id);
      expect(job).toMatchObject({
        id,
        name: 'plant.pcap',
        state: 'done',
        bytes: sample.length,
        packets: summary.packets,
      });
      expect(job.events).toBeGreaterThan(50);
      expect(job.newAssets).toContain(`mac:${PLANT.plcPress.mac}`);
      expect(job.assets).toBe(job.newAssets!.length);
      const assets = (await eng.inject({ url: '/api/assets?limit=1000' })).json() as { total: number };
      expect(assets.total).toBe(job.assets);
      const press = (
        await eng.inject({ url: `/api/assets/${encodeURIComponent(`mac:${PLANT.plcPress.mac}`)}` })
      ).json() as { facts: { evidence: { source: string } }[] };
      expect(press.facts[0]!.evidence.source).toMatch(/^plant\.pcap#[0-9a-f]{12}$/);
      const list = (await eng.inject({ url: '/api/captures' })).json() as { items: CaptureJobView[] };
      expect(list.items.map((j) => j.id)).toEqual([id]);
    });

    it('reads gzip, and the same capture again changes nothing', async () => {
      const { eng } = await engineer();
      const first = await settle(eng, (await upload(eng, 'plant.pcap.gz', gzipSync(sample))).json().id);
      expect(first.state).toBe('done');
      const before = await snapshot(eng);
      const again = await settle(eng, (await upload(eng, 'plant.pcap.gz', gzipSync(sample))).json().id);
      expect(again).toMatchObject({ state: 'done', newAssets: [] });
      expect(await snapshot(eng)).toEqual(before);
      const list = (await eng.inject({ url: '/api/captures' })).json() as { items: CaptureJobView[] };
      expect(list.items.map((j) => j.id)).toEqual([again.id, first.id]);
    });

    it('fails garbage with a clear error and writes nothing', async () => {
      const { eng } = await engineer();
      const before = await snapshot(eng);
      const res = await upload(eng, 'notes.txt', Buffer.from('hello, this is not a capture\n'.repeat(1000)));
      expect(res.statusCode).toBe(202);
      const job = await settle(eng, res.json().id);
      expect(job.state).toBe('failed');
      expect(job.error).toBe('notes.txt: not a pcap or pcapng file (starts with 0x68656c6c) at byte 0');
      expect(await snapshot(eng)).toEqual(before);
    });

    it('fails a capture that breaks off, and keeps nothing of what came before the break', async () => {
      const { eng } = await engineer();
      const before = await snapshot(eng);
      const cut = sample.subarray(0, sample.length - 7);
      const job = await settle(eng, (await upload(eng, 'cut.pcap', cut)).json().id);
      expect(job.state).toBe('failed');
      expect(job.error).toMatch(/^cut\.pcap: record \d+ cut short \(\d+ of \d+ bytes\) at byte \d+$/);
      expect(job.packets).toBe(summary.packets - 1);
      expect(await snapshot(eng)).toEqual(before);
      expect((await eng.inject({ url: '/api/assets' })).json()).toMatchObject({ total: 0 });
    });

    it('refuses a capture over the size limit with 413 and writes nothing', async () => {
      const { eng } = await engineer({ maxUploadBytes: 16 * 1024 });
      expect(sample.length).toBeGreaterThan(32 * 1024);
      const before = await snapshot(eng);
      const res = await upload(eng, 'big.pcap', sample);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({
        code: 'LG_TOO_LARGE',
        detail: 'capture: capture is larger than the upload limit of 16384 bytes',
      });
      expect(await snapshot(eng)).toEqual(before);
      const list = (await eng.inject({ url: '/api/captures' })).json() as { items: CaptureJobView[] };
      expect(list.items[0]).toMatchObject({ state: 'failed', name: 'big.pcap' });
      // The hub takes the next upload as usual.
      const ok = await upload(eng, 'small.pcap', sample.subarray(0, 24));
      expect((await settle(eng, ok.json().id)).state).toBe('done');
    });

    it('answers malformed uploads with 4xx naming what is wrong', async () => {
      const { eng } = await engineer();
      const wrongField = await upload(eng, 'plant.pcap', sample, 'file');
      expect(wrongField.statusCode).toBe(400);
      expect(wrongField.json().detail).toBe('capture: expected the file in this field, got "file"');
      const json = await eng.inject({ method: 'POST', url: '/api/captures', payload: { capture: 'x' } });
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ code: 'LG_MEDIA_TYPE' });
      const noFile = await eng.inject({
        method: 'POST',
        url: '/api/captures',
        payload: '--b--\r\n',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      });
      expect(noFile.statusCode).toBe(400);
      expect((await eng.inject({ url: '/api/assets' })).json()).toMatchObject({ total: 0 });
    });

    it('reports progress while a capture arrives, and takes one capture at a time', async () => {
      const { eng } = await engineer();
      const { payload, headers } = multipart('capture', 'slow.pcap', sample);
      const body = new PassThrough();
      const cut = payload.length - 1000;
      body.write(payload.subarray(0, cut));
      const first = eng.inject({ method: 'POST', url: '/api/captures', payload: body, headers });
      await new Promise((r) => setTimeout(r, 200));
      const [running] = ((await eng.inject({ url: '/api/captures' })).json() as { items: CaptureJobView[] })
        .items;
      expect(running).toMatchObject({ name: 'slow.pcap', state: 'running' });
      expect(running!.bytes).toBeGreaterThan(0);
      expect(running!.bytes).toBeLessThan(sample.length);
      expect(running!.packets).toBeGreaterThan(0);
      const second = await upload(eng, 'other.pcap', sample);
      expect(second.statusCode).toBe(503);
      expect(second.json()).toMatchObject({
        code: 'LG_BUSY',
        detail: 'capture slow.pcap is still being analysed; try again when it is done',
      });
      body.end(payload.subarray(cut));
      const done = await settle(eng, (await first).json().id);
      expect(done).toMatchObject({ state: 'done', bytes: sample.length });
    });

    it('cuts off an upload that stalls at shutdown, keeping nothing of it', async () => {
      const { h, eng } = await engineer({ shutdownGraceMs: 100 });
      const { payload, headers } = multipart('capture', 'stalled.pcap', sample);
      const body = new PassThrough();
      body.write(payload.subarray(0, payload.length - 1000));
      const pending = eng.inject({ method: 'POST', url: '/api/captures', payload: body, headers });
      await new Promise((r) => setTimeout(r, 200));
      const [job] = ((await eng.inject({ url: '/api/captures' })).json() as { items: CaptureJobView[] })
        .items;
      expect(job?.state).toBe('running');
      await h.app.close();
      await pending.catch(() => {});
      expect((await h.store.stats()).assets).toBe(0);
    });

    it('keeps only the file name of a path in the upload', async () => {
      const { eng } = await engineer();
      const res = await upload(eng, '../../etc/passwd\u0000.pcap', sample.subarray(0, 24));
      const job = await settle(eng, res.json().id);
      expect(job.name).toBe('passwd.pcap');
    });
  });
}
