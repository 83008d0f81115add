/** Capture uploads (multipart, analysed while they arrive) and their jobs. */
import { type Hub, type HubContext, problems } from '../context.js';
import { HubError } from '../errors.js';
import { Accepted, CaptureIdParams, CaptureJob, items } from '../schemas.js';

export const CAPTURE_FIELD = 'capture';

/** The file's own name, for display only: no directories, no control characters, bounded. */
export function displayName(filename: string): string {
  const base = filename.split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'capture' : clean;
}

export function captureRoutes(app: Hub, { jobs }: HubContext): void {
  app.post(
    '/api/captures',
    {
      config: { access: 'engineer' },
      schema: {
        summary: `Upload a capture (pcap, pcapng, optionally gzip) in the multipart file field "${CAPTURE_FIELD}"`,
        description: `Analysed while it arrives; at most ${jobs.maxBytes} bytes. Poll the job for its progress and result.`,
        consumes: ['multipart/form-data'],
        response: { 202: Accepted, ...problems },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new HubError(
          'LG_MEDIA_TYPE',
          `send the capture as multipart/form-data in the file field "${CAPTURE_FIELD}"`,
        );
      }
      const part = await req.file({ limits: { fileSize: jobs.maxBytes, files: 1, fields: 0, parts: 1 } });
      if (!part) throw new HubError('LG_VALIDATION', `${CAPTURE_FIELD}: no file in the upload`);
      if (part.fieldname !== CAPTURE_FIELD) {
        part.file.resume();
        throw new HubError(
          'LG_VALIDATION',
          `${CAPTURE_FIELD}: expected the file in this field, got "${part.fieldname}"`,
        );
      }
      // One capture at a time (checked and started with no await between: no two slip through).
      const busy = jobs.running();
      if (busy) {
        part.file.resume();
        reply.header('retry-after', 10).header('connection', 'close');
        throw new HubError(
          'LG_BUSY',
          `capture ${busy.name} is still being analysed; try again when it is done`,
        );
      }
      const job = jobs.start(displayName(part.filename), {
        stream: part.file,
        get truncated() {
          return part.file.truncated;
        },
      });
      if ((await job.received) === 'over-limit') {
        // Nothing of it may stay: wait for the store to have dropped it, then say why.
        await job.finished;
        reply.header('connection', 'close');
        throw new HubError('LG_TOO_LARGE', `${CAPTURE_FIELD}: ${job.view.error ?? 'over the upload limit'}`);
      }
      return reply.code(202).send({ id: job.view.id });
    },
  );

  app.get(
    '/api/captures',
    {
      config: { access: 'engineer' },
      schema: { summary: 'Capture jobs, newest first', response: { 200: items(CaptureJob), ...problems } },
    },
    async () => ({ items: jobs.list() }),
  );

  app.get(
    '/api/captures/:id',
    {
      config: { access: 'engineer' },
      schema: {
        summary: "One capture job's progress and result",
        params: CaptureIdParams,
        response: { 200: CaptureJob, ...problems },
      },
    },
    async (req) => {
      const job = jobs.get(req.params.id);
      if (!job) throw new HubError('LG_NOT_FOUND', `no capture job ${req.params.id}`);
      return job;
    },
  );
}
