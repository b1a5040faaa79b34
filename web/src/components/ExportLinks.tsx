import { useState } from 'preact/hooks';
import { loadCredentials } from '../session.js';
import { findingsQuery, type FindingsFilters } from '../findings-query.js';
import { securityFindingsParams } from '../security-findings.js';

type Format = 'csv' | 'ndjson';
const ACCEPT: Record<Format, string> = { csv: 'text/csv', ndjson: 'application/x-ndjson' };

interface Props {
  /** A search query lists through the Security Findings API (at now); else the filters at `snapshot`. */
  query: string;
  filters: FindingsFilters;
  /** The instant the listing shows (its meta.snapshot_timestamp). */
  snapshot?: number;
}

/** The listing's request for the whole listing: the server streams every finding for an export Accept header. */
function exportPath(query: string, filters: FindingsFilters, snapshot: number | undefined): string {
  const q = query ? securityFindingsParams({ query, limit: 1 }) : findingsQuery({ filters, limit: 1, snapshot });
  q.delete('page[limit]');
  return `${query ? '/api/v2/security/findings' : '/api/v2/posture_management/findings'}?${q}`;
}

/**
 * "Export CSV" and "Export NDJSON": the current listing whole (its filters or query, and its instant), saved as a file.
 * The keys travel in headers as on every call (never in a URL): the file is fetched, then saved from a Blob.
 */
export function ExportLinks({ query, filters, snapshot }: Props) {
  const [busy, setBusy] = useState<Format>();
  const [error, setError] = useState<string>();

  const download = async (format: Format) => {
    const keys = loadCredentials();
    if (!keys) return setError('Sign in again to export.');
    setBusy(format);
    setError(undefined);
    try {
      const response = await fetch(exportPath(query, filters, snapshot), {
        headers: { 'DD-API-KEY': keys.apiKey, 'DD-APPLICATION-KEY': keys.appKey, Accept: ACCEPT[format] },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { errors?: Array<{ detail?: string }> };
        throw new Error(body.errors?.[0]?.detail ?? `The server answered ${response.status}.`);
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `findings.${format}`;
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement('a'), { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(`The export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="export-links" role="group" aria-label="Export the listing">
      {(['csv', 'ndjson'] as const).map((format) => (
        <button key={format} type="button" disabled={busy !== undefined} onClick={() => void download(format)}>
          {busy === format ? 'Exporting…' : `Export ${format.toUpperCase()}`}
        </button>
      ))}
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
