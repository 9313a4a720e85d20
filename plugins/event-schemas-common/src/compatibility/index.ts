export { checkCompatibility } from './checkCompatibility';
