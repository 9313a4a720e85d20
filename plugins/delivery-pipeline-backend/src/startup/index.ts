export { createStartupGate } from './createStartupGate';
