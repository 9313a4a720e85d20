export { RegisterEventTypePage } from './RegisterEventTypePage';
