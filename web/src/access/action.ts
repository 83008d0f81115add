/** One button's request: busy while it runs, its error kept for display, a callback on success. */
import { useState } from 'react';
import { errorText } from '../lib/api.js';

export function useAction(): {
  busy: boolean;
  error: string;
  run: (work: () => Promise<unknown>, after?: () => void) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = async (work: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError('');
    try {
      await work();
      after?.();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError('') };
}
