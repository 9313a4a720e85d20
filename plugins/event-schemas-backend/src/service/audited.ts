import { AuditorService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/**
 * Runs `run` as an audited change: what (`eventId`, `meta`), who (from the
 * request; an action, which has none, names its caller in `meta`), and
 * the outcome, a refusal included.
 */
export async function audited<T>(options: {
  auditor: AuditorService;
  eventId: string;
  severityLevel?: 'low' | 'medium' | 'high' | 'critical';
  request?: Request;
  meta: JsonObject;
  run: () => Promise<T>;
}): Promise<T> {
  const event = await options.auditor.createEvent({
    eventId: options.eventId,
    severityLevel: options.severityLevel ?? 'medium',
    request: options.request,
    meta: options.meta,
  });
  try {
    const result = await options.run();
    await event.success();
    return result;
  } catch (error) {
    await event.fail({ error: toError(error) });
    throw error;
  }
}
