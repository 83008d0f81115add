/** A capture job as `GET /api/captures/:id` reports it, and how to word its progress. */
import { bytes, count } from '../lib/format.js';

export interface CaptureJob {
  id: string;
  name: string;
  state: 'running' | 'done' | 'failed';
  bytes: number;
  packets: number;
  events: number;
  error?: string;
  newAssets?: string[];
  assets?: number;
}

export function jobSummary(j: CaptureJob): string {
  const parts = [`${bytes(j.bytes)} read`, `${count(j.packets)} packets`, `${count(j.events)} events`];
  if (j.state === 'done') {
    const fresh = j.newAssets?.length ?? 0;
    parts.push(`${count(fresh)} new ${fresh === 1 ? 'asset' : 'assets'}`);
    if (typeof j.assets === 'number') parts.push(`${count(j.assets)} in the inventory`);
  }
  return parts.join(' · ');
}

export const POLL_MS = 500;
