/** The anonymous progress endpoint (shape mirrors ProgressResponse in src/server/modules/incidents/incident.schemas.ts). */
import { requestJson } from '../../../app/http.ts';
import type { ProgressPayload } from '../utils/progress.steps.ts';

/** GET /api/public/progress/{code}; no login, no token sent. */
export function fetchProgress(code: string, signal?: AbortSignal): Promise<ProgressPayload> {
  return requestJson<ProgressPayload>(`/api/public/progress/${encodeURIComponent(code)}`, { signal });
}
