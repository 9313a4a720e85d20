export {
  createRegisterEventTypeAction,
  REGISTER_EVENT_TYPE_ACTION_ID,
} from './registerEventType';
export {
  createRegisterEventTypeVersionAction,
  REGISTER_EVENT_TYPE_VERSION_ACTION_ID,
} from './registerEventTypeVersion';
