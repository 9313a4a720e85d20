export { ManagedTypeNotice } from './ManagedTypeNotice';
