import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DataSubjectErasure,
  dataSubjectErasePermission,
  parseCiphertext,
  parsePseudonym,
} from '@data-collection/plugin-delivery-pipeline-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { Keychain } from '../personalData/Keychain';
import { PersonalDataReader } from '../personalData/PersonalDataReader';
import { PersonalDataAccessControl } from './PersonalDataAccessControl';
import { optionalBoolean, parseDecryptRequest } from './requests';

/** A subject id in a path: long enough for any id, short enough to hash. */
const MAX_SUBJECT_CHARS = 1024;

/**
 * Erasure of data subjects and the decrypt API for allowed batch jobs.
 * Mounted in the validated router (see router.ts), which parses the decrypt
 * body before it with that body's own limit.
 */
export function createPersonalDataRouter(options: {
  keychain: Keychain;
  reader: PersonalDataReader;
  access: PersonalDataAccessControl;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): express.Router {
  const { keychain, reader, access, httpAuth, permissions, auditor } = options;
  const router = Router();

  async function authorizeErasure(req: Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: dataSubjectErasePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'Only the data platform admins may erase data subjects (permission delivery-pipeline.data-subject.erase)',
      );
    }
    return credentials;
  }

  // Backstage's request log writes the URL once the answer is sent: there,
  // and in the audit log, the person is named by the keyed hash the
  // database uses, never by their id.
  router.use('/data-subjects/:subject', (req, _res, next) => {
    req.originalUrl = req.originalUrl.replace(
      /(\/data-subjects\/)[^/?]*/,
      (_match, prefix) =>
        `${prefix}${encodeURIComponent(keychain.ownerOf(req.params.subject))}`,
    );
    next();
  });

  router.delete('/data-subjects/:subject', async (req, res) => {
    const subject = subjectParam(req);
    const suppress = optionalBoolean(req.query, 'suppress');
    const credentials = await authorizeErasure(req);
    // The audit log keeps the keyed hash, not the person's id.
    const event = await auditor.createEvent({
      eventId: 'data-subject-erase',
      severityLevel: 'high',
      request: req,
      meta: { subject: keychain.ownerOf(subject), suppress },
    });
    try {
      const record = await keychain.erase({
        subject,
        suppress,
        erasedBy: userOf(credentials.principal),
      });
      const receipt: DataSubjectErasure = {
        subject,
        erasedAt: record.erasedAt.toISOString(),
        keysDeleted: record.keysDeleted,
        failedEventsDeleted: record.failedEventsDeleted,
        suppressed: record.suppressed,
      };
      await event.success({
        meta: {
          erasedAt: receipt.erasedAt,
          keysDeleted: receipt.keysDeleted,
          failedEventsDeleted: receipt.failedEventsDeleted,
        },
      });
      res.json(receipt);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/data-subjects/:subject/suppression', async (req, res) => {
    const subject = subjectParam(req);
    await authorizeErasure(req);
    const event = await auditor.createEvent({
      eventId: 'data-subject-unsuppress',
      severityLevel: 'high',
      request: req,
      meta: { subject: keychain.ownerOf(subject) },
    });
    const lifted = await keychain.unsuppress(subject);
    await event.success({ meta: { lifted } });
    if (!lifted) {
      throw new NotFoundError(
        'The data subject is not suppressed (suppressions from deliveryPipeline.personalData.suppressedSubjects are lifted in the config)',
      );
    }
    res.json({ subject, suppressed: false });
  });

  router.post(
    '/personal-data/decrypt',
    // 5000 sealed values of a few hundred bytes each.
    express.json({ limit: '4mb' }),
    async (req, res) => {
      const request = parseDecryptRequest(req.body);
      const unknown = request.values.findIndex(
        value => !parseCiphertext(value) && !parsePseudonym(value),
      );
      if (unknown >= 0) {
        throw new InputError(
          `values[${unknown}] is neither a sealed personal value (pd1:<keyId>:...) nor a pseudonym (ps1:<keyId>)`,
        );
      }
      const credentials = await httpAuth.credentials(req);
      if (!(await access.mayRead(credentials, request.eventType))) {
        throw new NotAllowedError(
          `You may not read the personal data of '${request.eventType}' (permission delivery-pipeline.personal-data.read: its owners and the data platform admins)`,
        );
      }
      const results = await access.auditedRead(
        req,
        { eventType: request.eventType, source: request.source ?? 'unnamed' },
        async () => {
          const opened = await reader.openValues(request);
          return {
            result: opened,
            counts: {
              values: opened.length,
              erased: opened.filter(o => 'state' in o && o.state === 'erased')
                .length,
            },
          };
        },
      );
      res.json({ results });
    },
  );

  return router;
}

/** The user entity ref of a user principal; services have none. */
function userOf(principal: unknown): string | undefined {
  const ref = (principal as { userEntityRef?: unknown }).userEntityRef;
  return typeof ref === 'string' ? ref : undefined;
}

function subjectParam(req: Request): string {
  const subject = req.params.subject;
  if (!subject || subject.length > MAX_SUBJECT_CHARS) {
    throw new InputError(
      `The data subject must be the person's id as events carry it in the type's dataSubject field, 1 to ${MAX_SUBJECT_CHARS} characters`,
    );
  }
  return subject;
}
