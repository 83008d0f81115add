/**
 * Sends a capture to the hub with XMLHttpRequest, the one browser API that reports upload
 * progress. Multipart, one field `capture`, the CSRF header, the session cookie.
 */
import { ApiError, csrfToken, noteStatus } from '../lib/api.js';

export interface UploadProgress {
  sent: number;
  total: number;
}

export interface Upload {
  /** The capture job's id, once the hub accepted the file. */
  done: Promise<{ id: string }>;
  abort(): void;
}

const PATH = '/api/captures';

export function sendCapture(file: File, onProgress: (p: UploadProgress) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ id: string }>((resolve, reject) => {
    xhr.upload.onprogress = (e) =>
      onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      noteStatus(xhr.status, PATH);
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body.id === 'string') {
        resolve({ id: body.id });
        return;
      }
      const detail = body && typeof body.detail === 'string' ? body.detail : undefined;
      const code = body && typeof body.code === 'string' ? body.code : undefined;
      reject(new ApiError(xhr.status, detail ?? `upload failed (${xhr.status} ${xhr.statusText})`, code));
    };
    xhr.onerror = () => reject(new Error('the connection to the hub broke off during the upload'));
    xhr.onabort = () => reject(new Error('upload cancelled'));
  });
  xhr.open('POST', PATH);
  xhr.setRequestHeader('x-csrf-token', csrfToken());
  xhr.setRequestHeader('accept', 'application/json');
  const form = new FormData();
  form.append('capture', file, file.name);
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
