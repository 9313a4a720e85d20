import {
  AuditorService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { Knex } from 'knex';
import { PipelineConfig } from '../config';
import { PipelineModules } from '../extensionPoints';
import { DatabaseKeychainStore } from '../database/DatabaseKeychainStore';
import { EventTypeDataAccess } from '../service/EventTypeDataAccess';
import { PersonalDataAccessControl } from '../service/PersonalDataAccessControl';
import { createKeychain } from './createKeychain';
import { Keychain } from './Keychain';
import { PersonalDataProtector } from './PersonalDataProtector';
import { PersonalDataReader } from './PersonalDataReader';

/**
 * The keychain on the plugin's database, what seals personal data on ingest
 * (the protector), what unseals it (the reader) and who may see it unsealed
 * (the access control, on the registry's permissions).
 */
export async function createPersonalData(options: {
  db: Knex;
  /** A key-encryption key set through the extension point, else the file. */
  modules: Pick<PipelineModules, 'keyEncryptionKey'>;
  settings: Pick<PipelineConfig, 'personalData'>;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** The registry (cached): which fields of a type are personal data. */
  validators: { getEventType(name: string): Promise<EventType | undefined> };
  logger: LoggerService;
}): Promise<{
  keychain: Keychain;
  protector: PersonalDataProtector;
  reader: PersonalDataReader;
  dataAccess: EventTypeDataAccess;
  access: PersonalDataAccessControl;
}> {
  const keychain = await createKeychain({
    store: new DatabaseKeychainStore(options.db),
    keyEncryptionKey: options.modules.keyEncryptionKey,
    settings: options.settings.personalData,
    logger: options.logger.child({ task: 'keychain' }),
  });
  const reader = new PersonalDataReader({ keychain });
  const dataAccess = new EventTypeDataAccess(options);
  return {
    keychain,
    protector: new PersonalDataProtector({ keychain }),
    reader,
    dataAccess,
    access: new PersonalDataAccessControl({
      dataAccess,
      reader,
      eventTypes: options.validators,
    }),
  };
}
