/**
 * A client certificate for one of your devices, for the gateway's mTLS listeners: paste the
 * device's certificate request, download the certificate (with the gateway CA's) to install
 * beside its key. The hub issues one only shortly after a security-key sign-in.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { postJson } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { FormError } from '../ui/form-error.js';
import { useAction } from './action.js';
import type { IssuedCertificate } from './types.js';

const CSR_HINT =
  'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key -subj /CN=device -out device.csr';

/** An object URL for the certificate's download, released when it changes or the panel goes. */
function useDownload(pem: string | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (pem === undefined) return setUrl(undefined);
    const u = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [pem]);
  return url;
}

export function CertificateSection({ keyWindowMinutes }: { keyWindowMinutes: number }) {
  const { busy, error, run } = useAction();
  const [device, setDevice] = useState('');
  const [csr, setCsr] = useState('');
  const [issued, setIssued] = useState<IssuedCertificate>();
  const download = useDownload(issued?.pem);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIssued(undefined);
    void run(async () => {
      setIssued(
        await postJson<IssuedCertificate>('/api/access/certificates', {
          device: device.trim(),
          csr: csr.trim(),
        }),
      );
    });
  };
  return (
    <section className="card" aria-labelledby="cert-h">
      <h2 id="cert-h">Device certificate</h2>
      <p className="muted">
        For the gateway's mTLS listeners: valid up to 8 hours, bound to you and the device. Available for{' '}
        {keyWindowMinutes} minutes after signing in with your security key. Make the request on the device,
        e.g. <code>{CSR_HINT}</code>
      </p>
      <form className="form" onSubmit={submit}>
        <label>
          Device
          <input
            name="device"
            value={device}
            required
            maxLength={128}
            pattern="[A-Za-z0-9][A-Za-z0-9._@:\-]*"
            placeholder="e.g. anna-laptop"
            onChange={(e) => setDevice(e.target.value)}
          />
        </label>
        <label>
          Certificate request (PEM)
          <textarea
            name="csr"
            className="csr-text"
            value={csr}
            required
            rows={8}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            onChange={(e) => setCsr(e.target.value)}
          />
        </label>
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? 'Issuing…' : 'Issue certificate'}
        </button>
      </form>
      <FormError error={error} />
      {issued && download ? (
        <p role="status">
          Issued for {issued.device}, valid until {dateTime(issued.notAfter)}.{' '}
          <a className="btn small" href={download} download={`${issued.device}.crt.pem`}>
            Download certificate
          </a>
        </p>
      ) : null}
    </section>
  );
}
