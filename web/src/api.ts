import type { Credentials } from './session.js';
import { findingsQuery, type FindingsRequest } from './findings-query.js';
import type { OwnerKind } from './owner-view.js';
import type { KnownOwner, OwnerDetail, ResourceDetail } from './page-types.js';
import { securityFindingsParams, toFindingsPage, type SecurityFindingsBody, type SecurityFindingsRequest } from './security-findings.js';
import type {
  DetailedFinding,
  Directory,
  FeedbackInput,
  FeedbackResult,
  Finding,
  FindingsPage,
  FindingsSummary,
  HistoryItem,
  InferenceItem,
  MuteInput,
  NotEvaluatedResource,
  OwnerType,
  OwnershipSettings,
  ReviewQueuePage,
  RuleCoverage,
  UntaggedCounts,
} from './types.js';

/** One JSON:API error as the server sends it (429 sends plain strings; they become `detail`). */
export interface ApiErrorItem {
  status?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiErrorItem[],
  ) {
    super(
      errors
        .map((e) => e.detail ?? e.title)
        .filter(Boolean)
        .join(' ') || `The server answered ${status}.`,
    );
    this.name = 'ApiError';
  }

  /** 401 (missing keys) and 403 (wrong keys) both mean the reviewer must sign in again. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface ApiOptions {
  /** Called before the error is thrown when the keys are refused. */
  onAuthFailure?: (error: ApiError) => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

async function readErrors(response: Response): Promise<ApiErrorItem[]> {
  try {
    const body = (await response.json()) as { errors?: Array<ApiErrorItem | string> };
    if (Array.isArray(body.errors)) return body.errors.map((e) => (typeof e === 'string' ? { detail: e } : e));
  } catch {
    // Not JSON: the status alone speaks.
  }
  return [];
}

const seg = encodeURIComponent;

/** The console's whole view of the HTTP API; every call carries the reviewer's two keys. */
export function createApi(credentials: Credentials, options: ApiOptions = {}) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.baseUrl ?? '';

  async function call(method: string, path: string, body?: { json?: unknown; text?: string; type?: string }): Promise<Response> {
    const headers: Record<string, string> = {
      'DD-API-KEY': credentials.apiKey,
      'DD-APPLICATION-KEY': credentials.appKey,
      Accept: 'application/json',
    };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.text !== undefined) {
      headers['Content-Type'] = body.type ?? 'text/plain';
      payload = body.text;
    }
    const response = await doFetch(base + path, { method, headers, body: payload });
    if (!response.ok) {
      const error = new ApiError(response.status, await readErrors(response));
      if (error.isAuthFailure) options.onAuthFailure?.(error);
      throw error;
    }
    return response;
  }

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await call(method, path, body === undefined ? undefined : { json: body })).json() as Promise<T>;

  const ownership = (resourceId: string) => `/api/v2/csm/ownership/${seg(resourceId)}`;

  return {
    listFindings: (req: FindingsRequest) => json<FindingsPage>('GET', `/api/v2/posture_management/findings?${findingsQuery(req)}`),

    /** The Security Findings API's listing for a search query, in the legacy listing's shape. */
    searchFindings: async (req: SecurityFindingsRequest) =>
      toFindingsPage(await json<SecurityFindingsBody>('GET', `/api/v2/security/findings?${securityFindingsParams(req)}`)),

    /** Every page of a search query, at an instant when given (the cursors keep the first page's): rows and that instant. */
    allSearchFindings: async (query: string, snapshot?: number) => {
      const rows: Finding[] = [];
      let cursor: string | undefined;
      let at = snapshot;
      do {
        const page = toFindingsPage(
          await json<SecurityFindingsBody>('GET', `/api/v2/security/findings?${securityFindingsParams({ query, limit: 1000, cursor, snapshot })}`),
        );
        rows.push(...page.data);
        at = page.meta.snapshot_timestamp ?? at;
        cursor = page.meta.page?.cursor;
      } while (cursor);
      return { rows, at };
    },

    getFinding: async (id: string, snapshot?: number) => {
      const q = snapshot === undefined ? '' : `?snapshot_timestamp=${snapshot}`;
      return (await json<{ data: DetailedFinding }>('GET', `/api/v2/posture_management/findings/${seg(id)}${q}`)).data;
    },

    muteFindings: (findingIds: string[], mute: MuteInput) =>
      json<{ data: { id: string; type: 'mute' } }>('PATCH', '/api/v2/security/findings/mute', {
        data: {
          type: 'mute',
          attributes: { mute },
          relationships: { findings: { data: findingIds.map((id) => ({ id, type: 'findings' })) } },
        },
      }),

    summary: async (snapshot?: number) => {
      const q = snapshot === undefined ? '' : `?snapshot_timestamp=${snapshot}`;
      return (await json<{ data: { attributes: FindingsSummary } }>('GET', `/api/v2/posture_management/findings/summary${q}`)).data.attributes;
    },

    ruleCoverage: async (snapshot?: number) => {
      const q = snapshot === undefined ? '' : `?snapshot_timestamp=${snapshot}`;
      const body = await json<{ data: Array<{ attributes: RuleCoverage }>; meta: { snapshot_timestamp: number } }>(
        'GET',
        `/api/v2/csm/rules/coverage${q}`,
      );
      return { rules: body.data.map((d) => d.attributes), at: body.meta.snapshot_timestamp };
    },

    notEvaluatedResources: async (ruleId: string, snapshot: number, limit = 20) =>
      json<{ data: NotEvaluatedResource[]; meta: { page: { total_filtered_count: number } } }>(
        'GET',
        `/api/v2/csm/rules/coverage/${seg(ruleId)}/resources?page[limit]=${limit}&snapshot_timestamp=${snapshot}`,
      ),

    listInferences: async (resourceId: string) =>
      (await json<{ data: { attributes: { items: InferenceItem[] } } }>('GET', ownership(resourceId))).data.attributes.items,

    history: async (resourceId: string, cursor?: string, limit = 50) => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cursor) q.set('cursor', cursor);
      const body = await json<{ data: { attributes: { items: HistoryItem[]; pagination?: { has_more?: boolean; next_cursor?: string } } } }>(
        'GET',
        `${ownership(resourceId)}/history?${q}`,
      );
      return body.data.attributes;
    },

    feedback: async (resourceId: string, ownerType: OwnerType, input: FeedbackInput) =>
      (
        await json<{ data: { attributes: FeedbackResult } }>('POST', `${ownership(resourceId)}/${seg(ownerType)}/feedback`, {
          data: { type: 'ownership_feedback', attributes: input },
        })
      ).data.attributes,

    /** The teams or services the organization knows (directory, CODEOWNERS, catalog, answers). */
    owners: async (kind: OwnerKind) =>
      (await json<{ data: Array<{ attributes: KnownOwner }> }>('GET', `/api/v2/csm/directory/owners?filter[owner_type]=${kind}`)).data.map(
        (d) => d.attributes,
      ),

    /** One team or service and the current answers naming it. */
    owner: async (kind: OwnerKind, handle: string) =>
      (await json<{ data: { attributes: OwnerDetail } }>('GET', `/api/v2/csm/directory/owners/${kind}/${seg(handle)}`)).data.attributes,

    /** A resource with its configuration versions (oldest first), now or at an instant. */
    resource: async (resourceId: string, snapshot?: number) => {
      const q = snapshot === undefined ? '' : `?snapshot_timestamp=${snapshot}`;
      return (await json<{ data: ResourceDetail }>('GET', `/api/v2/csm/resources/${seg(resourceId)}${q}`)).data;
    },

    /** The inference of one owner type now (its explanation, sources, checksum). */
    getInference: async (resourceId: string, ownerType: OwnerType) =>
      (await json<{ data: { attributes: InferenceItem } }>('GET', `${ownership(resourceId)}/${seg(ownerType)}`)).data.attributes,

    /** The answers to review of one owner type, the most valuable review first. */
    reviewQueue: (ownerType: OwnerType, cursor?: string, limit = 50) => {
      const q = new URLSearchParams({ 'filter[owner_type]': ownerType, 'page[limit]': String(limit) });
      if (cursor) q.set('page[cursor]', cursor);
      return json<ReviewQueuePage>('GET', `/api/v2/csm/ownership/review_queue?${q}`);
    },

    directory: async () => (await json<{ data: { attributes: Directory } }>('GET', '/api/v2/csm/directory')).data.attributes,

    getSettings: async () => (await json<{ data: { attributes: OwnershipSettings } }>('GET', '/api/v2/csm/ownership/settings')).data.attributes,

    saveSettings: async (settings: Pick<OwnershipSettings, 'auto_tag' | 'confidence_level'>) =>
      (
        await json<{ data: { attributes: OwnershipSettings } }>('POST', '/api/v2/csm/ownership/settings', {
          data: { type: 'ownership_settings', attributes: settings },
        })
      ).data.attributes,

    untagged: async () => (await json<{ data: { attributes: UntaggedCounts } }>('GET', '/api/v2/csm/ownership/settings/untagged')).data.attributes,

    getPreferencesCsv: async () => (await call('GET', '/api/v2/csm/ownership/settings/preferences')).text(),

    putPreferencesCsv: async (csv: string) => {
      const response = await call('PUT', '/api/v2/csm/ownership/settings/preferences', { text: csv, type: 'text/csv' });
      return response.status === 204 ? undefined : response.text();
    },
  };
}

export type Api = ReturnType<typeof createApi>;
