export { SchemaEditor } from './SchemaEditor';
