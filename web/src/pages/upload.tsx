/**
 * Capture upload: the file's upload progress, then the hub's analysis progress (polled), then
 * the assets the capture added, each a link.
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { errorText, getJson } from '../lib/api.js';
import { assetIdText, bytes, percent } from '../lib/format.js';
import { assetHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { Link } from '../ui/link.js';
import { Load } from '../ui/states.js';
import { type CaptureJob, jobSummary, POLL_MS } from '../upload/job.js';
import { sendCapture, type Upload, type UploadProgress } from '../upload/send.js';

type Step =
  | { step: 'idle' }
  | { step: 'uploading'; file: File; progress: UploadProgress; upload: Upload }
  | { step: 'analysing'; file: File; job?: CaptureJob; id: string }
  | { step: 'done'; job: CaptureJob }
  | { step: 'failed'; name: string; error: string };

const SHOWN_NEW_ASSETS = 50;

export function UploadPage() {
  const [s, setStep] = useState<Step>({ step: 'idle' });
  const [history, reloadHistory] = useApi<{ items: CaptureJob[] }>('/api/captures');
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const start = (file: File) => {
    const upload = sendCapture(file, (progress) =>
      setStep((cur) => (cur.step === 'uploading' ? { ...cur, progress } : cur)),
    );
    setStep({ step: 'uploading', file, progress: { sent: 0, total: file.size }, upload });
    upload.done.then(
      ({ id }) => setStep({ step: 'analysing', file, id }),
      (e: unknown) => setStep({ step: 'failed', name: file.name, error: errorText(e) }),
    );
  };

  // Poll the job until it finishes.
  const jobId = s.step === 'analysing' ? s.id : undefined;
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const job = await getJson<CaptureJob>(`/api/captures/${encodeURIComponent(jobId)}`);
        if (stopped) return;
        if (job.state === 'running') {
          setStep((cur) => (cur.step === 'analysing' ? { ...cur, job } : cur));
          timer = setTimeout(poll, POLL_MS);
        } else if (job.state === 'done') {
          setStep({ step: 'done', job });
          reloadHistory();
        } else {
          setStep({ step: 'failed', name: job.name, error: job.error ?? 'the analysis failed' });
          reloadHistory();
        }
      } catch (e) {
        if (!stopped) setStep({ step: 'failed', name: jobId, error: errorText(e) });
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, reloadHistory]);

  const busy = s.step === 'uploading' || s.step === 'analysing';
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file && !busy) start(file);
  };

  return (
    <div className="upload">
      <div className="page-head">
        <h1>Upload capture</h1>
      </div>
      <section
        className={`dropzone${over ? ' over' : ''}${busy ? ' busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        aria-label="Capture upload"
      >
        <p>
          Drop a capture here, or{' '}
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            onClick={() => input.current?.click()}
          >
            choose a file
          </button>
        </p>
        <p className="muted small">
          pcap or pcapng, optionally gzip-compressed. The hub analyses it as it arrives.
        </p>
        <input
          ref={input}
          type="file"
          name="capture"
          accept=".pcap,.pcapng,.cap,.gz,application/vnd.tcpdump.pcap"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) start(file);
          }}
        />
      </section>

      <StepView step={s} onCancel={() => s.step === 'uploading' && s.upload.abort()} />

      <section className="card" aria-labelledby="captures">
        <h2 id="captures">Captures</h2>
        <Load value={history} what="the captures">
          {({ items }) =>
            items.length === 0 ? (
              <p className="muted">No capture uploaded yet.</p>
            ) : (
              <table className="grid-table">
                <thead>
                  <tr>
                    <th>Capture</th>
                    <th>State</th>
                    <th>Progress</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((j) => (
                    <tr key={j.id}>
                      <td>{j.name}</td>
                      <td>
                        <span className={`state-pill ${j.state}`}>{j.state}</span>
                      </td>
                      <td className="muted">{j.state === 'failed' ? (j.error ?? '') : jobSummary(j)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Load>
      </section>
    </div>
  );
}

function StepView({ step: s, onCancel }: { step: Step; onCancel: () => void }) {
  switch (s.step) {
    case 'idle':
      return null;
    case 'uploading': {
      const f = s.progress.total ? s.progress.sent / s.progress.total : 0;
      return (
        <section className="card progress-card" data-testid="upload-progress">
          <h2>Uploading {s.file.name}</h2>
          <progress max={1} value={f} aria-label="Upload progress" />
          <p className="muted">
            {bytes(s.progress.sent)} of {bytes(s.progress.total)} ({percent(f)})
          </p>
          <button type="button" className="btn small" onClick={onCancel}>
            Cancel
          </button>
        </section>
      );
    }
    case 'analysing':
      return (
        <section className="card progress-card" data-testid="upload-progress">
          <h2>Analysing {s.file.name}</h2>
          <progress aria-label="Analysis progress" />
          <p className="muted">{s.job ? jobSummary(s.job) : 'Upload complete; waiting for the analysis…'}</p>
        </section>
      );
    case 'done': {
      const fresh = s.job.newAssets ?? [];
      return (
        <section className="card progress-card ok" data-testid="upload-done">
          <h2>{s.job.name} analysed</h2>
          <p>{jobSummary(s.job)}</p>
          {fresh.length ? (
            <>
              <p>New assets:</p>
              <ul className="new-assets">
                {fresh.slice(0, SHOWN_NEW_ASSETS).map((id) => (
                  <li key={id}>
                    <Link href={assetHref(id)} className="mono">
                      {assetIdText(id)}
                    </Link>
                  </li>
                ))}
                {fresh.length > SHOWN_NEW_ASSETS ? (
                  <li className="muted">and {fresh.length - SHOWN_NEW_ASSETS} more</li>
                ) : null}
              </ul>
            </>
          ) : (
            <p className="muted">No new assets: everything in this capture was already known.</p>
          )}
        </section>
      );
    }
    case 'failed':
      return (
        <section className="card progress-card bad" role="alert">
          <h2>{s.name} was not analysed</h2>
          <p>{s.error}</p>
        </section>
      );
  }
}
