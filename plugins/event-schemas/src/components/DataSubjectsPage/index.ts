export { DataSubjectsPage } from './DataSubjectsPage';
