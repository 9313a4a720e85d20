export { TtlCache } from './TtlCache';
