export {
  checkPersonalData,
  keptDataSubjectProblem,
  personalDataViolations,
  type PersonalDataViolation,
} from './personalData';
export type { PersonalDataProblem } from './personalData';
