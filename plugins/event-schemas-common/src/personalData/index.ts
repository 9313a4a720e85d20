export { checkPersonalData, keptDataSubjectProblem } from './personalData';
export type { PersonalDataProblem } from './personalData';
