export { createTransport } from './createTransport';
export type { ChosenTransport } from './createTransport';
